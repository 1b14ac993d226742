using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Portal.Web.Features.Templates.PortalApi;

/// <summary>One choice of a SelectFieldFromApi field.</summary>
public sealed record ApiSelectChoice(string Value, string Label);

/// <summary>
/// The pure part of SelectFieldFromApi: selectors as lodash's <c>get</c> reads them (<c>facets.kind</c>,
/// <c>items[0].name</c>), the choices an API answer gives, and <c>{{ parameters.x }}</c> in the path and params.
/// </summary>
public static partial class ApiSelectChoices
{
    public const int MaxChoices = 1000;

    /// <summary>The node at <paramref name="selector"/> (dots, <c>[n]</c>, <c>["key"]</c>), or null when there is none.</summary>
    public static JsonNode? Select(JsonNode? node, string selector)
    {
        foreach (Match part in SelectorPart().Matches(selector))
        {
            var key = part.Groups["index"].Success ? part.Groups["index"].Value : part.Groups["quoted"].Success ? part.Groups["quoted"].Value : part.Value;
            node = node switch
            {
                JsonObject obj => obj[key],
                JsonArray array when int.TryParse(key, out var i) && i >= 0 && i < array.Count => array[i],
                _ => null,
            };
            if (node is null)
            {
                return null;
            }
        }
        return node;
    }

    /// <summary>The choices of an answer, sorted by label; or why there are none.</summary>
    public static (IReadOnlyList<ApiSelectChoice> Choices, string? Error) Extract(JsonNode? body, ApiSelectOptions options)
    {
        var list = options.ArraySelector is { Length: > 0 } arraySelector ? Select(body, arraySelector) : body;
        if (list is not JsonArray items)
        {
            return ([], options.ArraySelector is { Length: > 0 } s
                ? $"the answer has no list at '{s}' (arraySelector)."
                : "the answer is not a list; set arraySelector to the list inside it.");
        }
        var choices = new List<ApiSelectChoice>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in items.Take(MaxChoices))
        {
            string? value;
            string? label;
            if (options.ValueSelector is { Length: > 0 } valueSelector)
            {
                value = Scalar(Select(item, valueSelector));
                label = options.LabelSelector is { Length: > 0 } labelSelector ? Scalar(Select(item, labelSelector)) : value;
                if (value is null)
                {
                    return ([], $"an item of the list has no value at '{valueSelector}' (valueSelector).");
                }
            }
            else
            {
                value = item is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
                label = value;
                if (value is null)
                {
                    return ([], "the list holds objects; set valueSelector (and labelSelector) to the fields to use.");
                }
            }
            if (seen.Add(value))
            {
                choices.Add(new ApiSelectChoice(value, string.IsNullOrEmpty(label) ? value : label));
            }
        }
        return (choices.OrderBy(c => c.Label, StringComparer.OrdinalIgnoreCase).ToList(), null);
    }

    /// <summary><c>{{ parameters.name }}</c> replaced by the form's value (empty when unset), as the plugin renders them.</summary>
    public static string Render(string text, JsonObject values) =>
        ParameterReference().Replace(text, m => Scalar(Select(values, m.Groups["path"].Value)) ?? "");

    /// <summary>The params with their string values rendered.</summary>
    public static JsonObject? Render(JsonObject? parameters, JsonObject values)
    {
        if (parameters is null)
        {
            return null;
        }
        var rendered = new JsonObject();
        foreach (var (name, node) in parameters)
        {
            rendered[name] = node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? JsonValue.Create(Render(v.GetValue<string>(), values)) : node?.DeepClone();
        }
        return rendered;
    }

    private static string? Scalar(JsonNode? node) => node switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.GetValueKind() is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => v.ToJsonString(),
        _ => null,
    };

    [GeneratedRegex("""\[(?<index>\d+)\]|\["(?<quoted>[^"]*)"\]|\['(?<quoted>[^']*)'\]|[^.\[\]]+""")]
    private static partial Regex SelectorPart();

    [GeneratedRegex("""\{\{\s*parameters\.(?<path>[A-Za-z0-9_$.\[\]'"-]+?)\s*\}\}""")]
    private static partial Regex ParameterReference();
}
