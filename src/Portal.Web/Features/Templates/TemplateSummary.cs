namespace Portal.Web.Features.Templates;

public sealed record TemplateSummary(string EntityRef, string Namespace, string Name, string Title, string? Description, IReadOnlyList<string> Tags,
    string? Owner, string? Type);
