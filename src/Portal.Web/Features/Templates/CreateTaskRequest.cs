using System.Text.Json.Nodes;

namespace Portal.Web.Features.Templates;

public sealed record CreateTaskRequest(string? TemplateRef, JsonObject? Values);
