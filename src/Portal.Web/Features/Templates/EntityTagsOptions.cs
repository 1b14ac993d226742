using System.Text.Json;
using System.Text.Json.Nodes;

namespace Portal.Web.Features.Templates;

/// <summary>
/// The <c>ui:options</c> of Backstage's <c>EntityTagsPicker</c>: <c>kinds</c> (offer only the tags of entities of these
/// kinds), <c>showCounts</c> (show how many entities carry each tag, most used first) and <c>helperText</c>.
/// </summary>
public sealed record EntityTagsOptions(IReadOnlyList<string> Kinds, bool ShowCounts, string? HelperText)
{
    public const string FieldName = "EntityTagsPicker";

    /// <summary>The options of a property whose <c>ui:field</c> is EntityTagsPicker; null for any other property.</summary>
    public static EntityTagsOptions? From(JsonObject property)
    {
        if (property["ui:field"] is not JsonValue field || field.GetValueKind() != JsonValueKind.String || field.GetValue<string>() != FieldName)
        {
            return null;
        }
        var options = property["ui:options"] as JsonObject;
        // One kind written as a string is taken as a list of one; anything else that is not text is ignored.
        var kinds = options?["kinds"] switch
        {
            JsonArray many => many.OfType<JsonValue>().Where(k => k.GetValueKind() == JsonValueKind.String).Select(k => k.GetValue<string>()),
            JsonValue one when one.GetValueKind() == JsonValueKind.String => [one.GetValue<string>()],
            _ => [],
        };
        return new EntityTagsOptions(
            kinds.Select(k => k.Trim()).Where(k => k.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToList(),
            options?["showCounts"] is JsonValue counts && counts.GetValueKind() == JsonValueKind.True,
            options?["helperText"] is JsonValue help && help.GetValueKind() == JsonValueKind.String ? help.GetValue<string>() : null);
    }
}
