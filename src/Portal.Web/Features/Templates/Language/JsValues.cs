using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Portal.Web.Infrastructure.Json;

namespace Portal.Web.Features.Templates.Language;

/// <summary>
/// Nunjucks runs on JavaScript, so its values follow JavaScript's rules: numbers are doubles, <c>+</c> joins when
/// either side is text, <c>==</c> converts, <c>===</c> does not, and "", 0, null and undefined are false. Values are
/// plain .NET data: <see cref="string"/>, <see cref="double"/>, <see cref="bool"/>, null,
/// <see cref="Undefined"/>, lists and string-keyed dictionaries.
/// </summary>
internal static class JsValues
{
    public static bool IsUndefined(object? value) => value is Undefined;

    public static bool IsNullish(object? value) => value is null or Undefined;

    public static bool Truthy(object? value) => value switch
    {
        null or Undefined => false,
        bool b => b,
        double d => d != 0 && !double.IsNaN(d),
        string s => s.Length > 0,
        _ => true,
    };

    /// <summary>How <c>${{ value }}</c> writes a value: nothing for null and undefined (Nunjucks' suppressValue).</summary>
    public static string Output(object? value) => IsNullish(value) ? "" : ToJsString(value);

    /// <summary>JavaScript's String(value).</summary>
    public static string ToJsString(object? value) => value switch
    {
        null => "null",
        Undefined => "undefined",
        string s => s,
        bool b => b ? "true" : "false",
        double d => NumberText(d),
        IList<object?> list => string.Join(",", list.Select(v => IsNullish(v) ? "" : ToJsString(v))),
        _ => "[object Object]",
    };

    public static string NumberText(double d)
    {
        if (double.IsNaN(d))
        {
            return "NaN";
        }
        if (double.IsInfinity(d))
        {
            return d > 0 ? "Infinity" : "-Infinity";
        }
        if (d == Math.Floor(d) && Math.Abs(d) < 1e21)
        {
            return d.ToString("0", CultureInfo.InvariantCulture);
        }
        return d.ToString("R", CultureInfo.InvariantCulture).Replace("E+", "e+", StringComparison.Ordinal).Replace("E-", "e-", StringComparison.Ordinal);
    }

    /// <summary>JavaScript's Number(value).</summary>
    public static double ToNumber(object? value) => value switch
    {
        null => 0,
        Undefined => double.NaN,
        bool b => b ? 1 : 0,
        double d => d,
        string s => s.Trim() is var t && t.Length == 0 ? 0
            : double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) ? n : double.NaN,
        IList<object?> { Count: 0 } => 0,
        IList<object?> { Count: 1 } list => ToNumber(ToJsString(list[0])),
        _ => double.NaN,
    };

    /// <summary>JavaScript's <c>==</c>.</summary>
    public static bool LooseEquals(object? a, object? b)
    {
        if (IsNullish(a) || IsNullish(b))
        {
            return IsNullish(a) && IsNullish(b);
        }
        return (a, b) switch
        {
            (string x, string y) => string.Equals(x, y, StringComparison.Ordinal),
            (double x, double y) => x == y,
            (bool x, bool y) => x == y,
            (bool or double or string, bool or double or string) => ToNumber(a) == ToNumber(b),
            (IList<object?> or IDictionary<string, object?>, string or double or bool) => LooseEquals(ToJsString(a), b),
            (string or double or bool, IList<object?> or IDictionary<string, object?>) => LooseEquals(a, ToJsString(b)),
            _ => ReferenceEquals(a, b),
        };
    }

    /// <summary>JavaScript's <c>===</c>.</summary>
    public static bool StrictEquals(object? a, object? b) => (a, b) switch
    {
        (null, null) => true,
        (Undefined, Undefined) => true,
        (string x, string y) => string.Equals(x, y, StringComparison.Ordinal),
        (double x, double y) => x == y,
        (bool x, bool y) => x == y,
        _ => ReferenceEquals(a, b),
    };

    /// <summary>JavaScript's relational comparison: text with text by code unit, anything else as numbers.</summary>
    public static bool Compare(object? a, object? b, string op)
    {
        if (a is string x && b is string y)
        {
            var c = string.CompareOrdinal(x, y);
            return op switch { "<" => c < 0, ">" => c > 0, "<=" => c <= 0, _ => c >= 0 };
        }
        var l = ToNumber(a is IList<object?> or IDictionary<string, object?> ? ToJsString(a) : a);
        var r = ToNumber(b is IList<object?> or IDictionary<string, object?> ? ToJsString(b) : b);
        return op switch { "<" => l < r, ">" => l > r, "<=" => l <= r, _ => l >= r };
    }

    /// <summary>JSON data as template values (numbers as doubles, objects as ordered dictionaries).</summary>
    public static object? FromJson(JsonNode? node) => node switch
    {
        null => null,
        JsonObject o => o.ToDictionary(p => p.Key, p => FromJson(p.Value), StringComparer.Ordinal),
        JsonArray a => a.Select(FromJson).ToList(),
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => v.GetValue<string>(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number => JsonNumbers.AsDouble(v),
            _ => null,
        },
        _ => null,
    };

    /// <summary>A template value as JSON (undefined becomes null; a function has no JSON form).</summary>
    public static JsonNode? ToJson(object? value) => value switch
    {
        null or Undefined => null,
        string s => JsonValue.Create(s),
        bool b => JsonValue.Create(b),
        double d when double.IsNaN(d) || double.IsInfinity(d) => null,
        double d when d == Math.Floor(d) && Math.Abs(d) < 9e15 => JsonValue.Create((long)d),
        double d => JsonValue.Create(d),
        StrictObject s => new JsonObject(s.Members.Select(p => KeyValuePair.Create(p.Key, ToJson(p.Value)))),
        IDictionary<string, object?> dict => new JsonObject(dict.Select(p => KeyValuePair.Create(p.Key, ToJson(p.Value)))),
        IList<object?> list => new JsonArray(list.Select(ToJson).ToArray()),
        _ => null,
    };

    /// <summary>Nunjucks' <c>dump</c>: JSON.stringify, optionally indented.</summary>
    public static string Dump(object? value, int indent = 0)
    {
        if (value is Undefined)
        {
            // JSON.stringify(undefined) is undefined, which Nunjucks then writes as nothing.
            return "";
        }
        var json = ToJson(value);
        if (json is null)
        {
            return "null";
        }
        if (indent <= 0)
        {
            return json.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        }
        var text = json.ToJsonString(new JsonSerializerOptions
        {
            WriteIndented = true, IndentSize = Math.Min(indent, 10), Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        });
        return text;
    }

    /// <summary>A short description of a value's type for error messages.</summary>
    public static string TypeName(object? value) => value switch
    {
        null => "null",
        Undefined => "undefined",
        string => "text",
        double => "a number",
        bool => "a boolean",
        IList<object?> => "a list",
        TemplateFunction => "a function",
        _ => "an object",
    };

    public static StringBuilder AppendJs(StringBuilder builder, object? value) => builder.Append(ToJsString(value));
}
