using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Portal.Web.Infrastructure.Json;

/// <summary>
/// Reads a JSON number whatever made the node. <see cref="JsonValue.TryGetValue{T}"/> converts only values parsed from
/// JSON text; a value built with <c>JsonValue.Create(long)</c> (as the YAML reader makes for <c>rows: 8</c>) answers
/// only to its own CLR type, so a template read from its YAML file lost every number in its form.
/// </summary>
public static class JsonNumbers
{
    public static decimal? AsDecimal(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.Number
            && decimal.TryParse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null;

    public static double? AsDouble(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.Number
            && double.TryParse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null;

    /// <summary>The number when it is whole and fits an <see cref="int"/>; otherwise null.</summary>
    public static int? AsWholeInt(JsonNode? node) =>
        AsDecimal(node) is { } d && d == decimal.Truncate(d) && d is >= int.MinValue and <= int.MaxValue ? (int)d : null;

    /// <summary>A number whether the document gave it as a number or as text (<c>target: "0.99"</c>).</summary>
    public static decimal? AsDecimalOrText(JsonNode? node) =>
        AsDecimal(node)
        ?? (node is JsonValue v && v.GetValueKind() == JsonValueKind.String
            && decimal.TryParse(v.GetValue<string>().Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null);
}
