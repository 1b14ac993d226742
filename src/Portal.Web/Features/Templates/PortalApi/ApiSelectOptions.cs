using System.Text.Json;
using System.Text.Json.Nodes;

namespace Portal.Web.Features.Templates.PortalApi;

/// <summary>
/// The options of Roadie's <c>SelectFieldFromApi</c> field: in <c>ui:options</c> (path, params, arraySelector,
/// valueSelector, labelSelector, placeholder, title, description) or, as in the plugin's README, as <c>ui:path</c>,
/// <c>ui:params</c>, ... on the property itself.
/// </summary>
public sealed record ApiSelectOptions(string? Path, JsonObject? Params, string? ArraySelector, string? ValueSelector, string? LabelSelector,
    string? Placeholder, string? Title, string? Description)
{
    public const string FieldName = "SelectFieldFromApi";

    /// <summary>The options of a property whose <c>ui:field</c> is SelectFieldFromApi; null for any other property.</summary>
    public static ApiSelectOptions? From(JsonObject property)
    {
        if (property["ui:field"] is not JsonValue field || field.GetValueKind() != JsonValueKind.String || field.GetValue<string>() != FieldName)
        {
            return null;
        }
        var options = property["ui:options"] as JsonObject;
        JsonNode? Get(string name) => options?[name] ?? property["ui:" + name];
        string? Text(string name) => Get(name) is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
        return new ApiSelectOptions(Text("path"), Get("params")?.DeepClone() as JsonObject, Text("arraySelector"), Text("valueSelector"),
            Text("labelSelector"), Text("placeholder"), Text("title"), Text("description"));
    }
}
