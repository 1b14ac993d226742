namespace Portal.Web.Features.Templates;

/// <summary>One page of a template's form: a JSON Schema object with a title.</summary>
public sealed record ParameterPage(string Title, string? Description, IReadOnlyList<ParameterField> Fields);
