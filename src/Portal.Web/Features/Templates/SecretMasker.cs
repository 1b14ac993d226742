using System.Text.Json.Nodes;

namespace Portal.Web.Features.Templates;

/// <summary>Replaces secret values wherever they would otherwise appear in a log or an error.</summary>
public sealed class SecretMasker(JsonObject values, IReadOnlySet<string> secretNames)
{
    public const string Placeholder = "********";

    private readonly string[] _secrets = secretNames
        .Select(n => values[n]?.ToString())
        .OfType<string>()
        .Where(s => s.Length > 0)
        .OrderByDescending(s => s.Length)
        .ToArray();

    public string Mask(string text)
    {
        foreach (var secret in _secrets)
        {
            text = text.Replace(secret, Placeholder, StringComparison.Ordinal);
        }
        return text;
    }

    /// <summary>A copy of a JSON tree with secrets replaced in every string value (outputs, step outputs).</summary>
    public JsonNode? MaskTree(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.Select(p => KeyValuePair.Create(p.Key, MaskTree(p.Value)))),
        JsonArray a => new JsonArray(a.Select(MaskTree).ToArray()),
        JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.String => JsonValue.Create(Mask(v.GetValue<string>())),
        _ => node?.DeepClone(),
    };

    /// <summary>The values with every secret replaced, as run history shows and stores them.</summary>
    public static JsonObject Masked(JsonObject values, IReadOnlySet<string> secretNames)
    {
        var copy = values.DeepClone().AsObject();
        foreach (var name in secretNames)
        {
            if (copy.ContainsKey(name) && !TemplateParameters.IsEmpty(copy[name]))
            {
                copy[name] = Placeholder;
            }
        }
        return copy;
    }
}
