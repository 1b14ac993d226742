using System.Globalization;
using System.Text.Json.Nodes;

namespace Portal.Web.Features.Scorecards;

/// <summary>A rule's parameters after validation against its <see cref="RuleType"/>: each value already has its declared type.</summary>
public sealed class RuleParameters
{
    private readonly Dictionary<string, object> _values;

    public RuleParameters(Dictionary<string, object> values) => _values = values;

    public static RuleParameters None { get; } = new([]);

    public IReadOnlyDictionary<string, object> Values => _values;

    public long Whole(string name) => (long)_values[name];

    public decimal Number(string name) => (decimal)_values[name];

    public string? Text(string name) => _values.TryGetValue(name, out var v) ? (string)v : null;

    public IReadOnlyList<string> List(string name) => _values.TryGetValue(name, out var v) ? (string[])v : [];

    /// <summary>The parameters as YAML/JSON writes them (for export), in the rule type's order.</summary>
    public JsonObject ToJson()
    {
        var json = new JsonObject();
        foreach (var (name, value) in _values)
        {
            json[name] = value switch
            {
                long l => JsonValue.Create(l),
                decimal d => JsonValue.Create(d),
                string[] list => new JsonArray([.. list.Select(i => (JsonNode?)JsonValue.Create(i))]),
                _ => JsonValue.Create(Convert.ToString(value, CultureInfo.InvariantCulture)),
            };
        }
        return json;
    }
}
