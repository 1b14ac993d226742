using System.Text.Json.Nodes;

namespace Portal.Web.Features.Templates;

/// <summary>One entry of <c>spec.steps</c>.</summary>
public sealed record TemplateStep(string Id, string Name, string Action, JsonObject Input, JsonNode? If);
