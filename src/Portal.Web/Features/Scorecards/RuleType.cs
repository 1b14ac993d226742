using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Portal.Web.Infrastructure.Json;

namespace Portal.Web.Features.Scorecards;

/// <summary>The kinds of value a rule parameter takes.</summary>
public enum ParameterKind
{
    WholeNumber,
    Percent,
    Text,
    TextList,
}

/// <summary>One parameter a rule type declares: its kind, whether it is required, its default and allowed range or values.</summary>
public sealed record ParameterSpec(string Name, ParameterKind Kind, bool Required, object? Default = null, long Min = 0, long Max = long.MaxValue,
    IReadOnlyList<string>? OneOf = null, string? Help = null);

/// <summary>A check the rules may use (see <see cref="RuleTypes"/>): its name, what it looks at, and its parameters.</summary>
public sealed record RuleType(string Name, string Signal, string Description, IReadOnlyList<ParameterSpec> Parameters)
{
    /// <summary>Longest text parameter, and most items in a list: rules are small.</summary>
    public const int MaxText = 200;
    public const int MaxItems = 20;

    /// <summary>Turns a rule's raw <c>params</c> into typed values, or the problems (one sentence each, naming the parameter).</summary>
    public (RuleParameters? Parameters, List<string> Problems) Bind(JsonObject? raw)
    {
        var problems = new List<string>();
        var values = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var unknown in (raw ?? []).Select(p => p.Key).Where(k => Parameters.All(p => p.Name != k)))
        {
            problems.Add($"'{Name}' has no parameter '{unknown}' (it takes: {(Parameters.Count == 0 ? "none" : string.Join(", ", Parameters.Select(p => p.Name)))}).");
        }
        foreach (var spec in Parameters)
        {
            var node = raw?[spec.Name];
            if (node is null)
            {
                if (spec.Required)
                {
                    problems.Add($"'{Name}' needs the parameter '{spec.Name}'{(spec.Help is null ? "" : $" ({spec.Help})")}.");
                }
                else if (spec.Default is not null)
                {
                    values[spec.Name] = spec.Default;
                }
                continue;
            }
            if (Convert(spec, node) is { } value)
            {
                values[spec.Name] = value;
            }
            else
            {
                problems.Add($"'{Name}' parameter '{spec.Name}' must be {Expected(spec)}.");
            }
        }
        return problems.Count == 0 ? (new RuleParameters(values), problems) : (null, problems);
    }

    private static object? Convert(ParameterSpec spec, JsonNode node)
    {
        switch (spec.Kind)
        {
            case ParameterKind.WholeNumber:
                return JsonNumbers.AsDecimalOrText(node) is { } n && n == decimal.Truncate(n) && n >= spec.Min && n <= spec.Max ? (long)n : null;
            case ParameterKind.Percent:
                return JsonNumbers.AsDecimalOrText(node) is { } p && p >= 0 && p <= 100 ? p : null;
            case ParameterKind.Text:
                return Text(node) is { Length: > 0 and <= MaxText } t && (spec.OneOf is null || spec.OneOf.Contains(t, StringComparer.Ordinal)) ? t : null;
            case ParameterKind.TextList:
                var items = node is JsonArray array ? array.Select(i => i is null ? null : Text(i)).ToList() : [Text(node)];
                return items.Count is > 0 and <= MaxItems && items.All(i => i is { Length: > 0 and <= MaxText }) ? items.Select(i => i!).ToArray() : null;
            default:
                return null;
        }
    }

    private static string? Text(JsonNode node) => node is JsonValue v && v.GetValueKind() is JsonValueKind.String or JsonValueKind.Number ? v.ToString().Trim() : null;

    private static string Expected(ParameterSpec spec) => spec.Kind switch
    {
        ParameterKind.WholeNumber => spec.Max == long.MaxValue ? $"a whole number from {spec.Min}" : $"a whole number from {spec.Min} to {spec.Max}",
        ParameterKind.Percent => "a number from 0 to 100",
        ParameterKind.Text when spec.OneOf is not null => $"one of {string.Join(", ", spec.OneOf)}",
        ParameterKind.Text => $"text of 1 to {MaxText} characters",
        _ => $"a list of 1 to {MaxItems} texts",
    };
}
