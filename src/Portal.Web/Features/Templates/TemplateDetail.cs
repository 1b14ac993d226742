using System.Text.Json.Nodes;

namespace Portal.Web.Features.Templates;

public sealed record TemplateDetail(string EntityRef, string Title, string? Description, IReadOnlyList<string> Tags, string? Owner, string? Type,
    JsonNode? Parameters, IReadOnlyList<TemplateStepView> Steps);
