using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Portal.Web.Infrastructure.Json;

namespace Portal.Web.Features.Templates;

/// <summary>
/// Reads <c>spec.parameters</c> and validates values against it. The form validates as the user types and the
/// server validates again with this same code, so both say the same thing.
/// </summary>
public static partial class TemplateParameters
{
    /// <summary>The longest value any parameter may have, whatever its schema says (a textarea included).</summary>
    public const int MaxValueLength = 10_000;
    public const int MaxValues = 200;

    public static IReadOnlyList<ParameterPage> ReadPages(JsonNode? parameters)
    {
        var pages = parameters switch
        {
            JsonArray a => a.OfType<JsonObject>().ToList(),
            JsonObject o => [o],
            _ => [],
        };
        return pages.Select((p, i) => ReadPage(p, i)).ToList();
    }

    private static ParameterPage ReadPage(JsonObject schema, int index)
    {
        var required = (schema["required"] as JsonArray)?.Select(r => r?.ToString()).OfType<string>().ToHashSet(StringComparer.Ordinal) ?? [];
        var fields = new List<ParameterField>();
        if (schema["properties"] is JsonObject properties)
        {
            foreach (var (name, node) in properties)
            {
                if (node is JsonObject property)
                {
                    fields.Add(ReadField(name, property, required.Contains(name)));
                }
            }
        }
        // ui:order (react-jsonschema-form's) puts named fields first, in that order; "*" stands for the rest.
        if (schema["ui:order"] is JsonArray order)
        {
            var names = order.Select(o => o?.ToString()).OfType<string>().ToList();
            var rest = names.IndexOf("*") is var star and >= 0 ? star : names.Count;
            fields = fields.OrderBy(f => names.IndexOf(f.Name) is var at and >= 0 ? at : rest).ToList();
        }
        return new ParameterPage(Str(schema, "title") ?? $"Step {index + 1}", Str(schema, "description"), fields);
    }

    private static ParameterField ReadField(string name, JsonObject p, bool required)
    {
        var type = Str(p, "type") ?? (p["enum"] is not null ? "string" : "string");
        var items = p["items"] as JsonObject;
        var enumSource = type == "array" ? items : p;
        var options = p["ui:options"] as JsonObject;
        var allowedKinds = (options?["allowedKinds"] as JsonArray)?.Select(k => k?.ToString()).OfType<string>().ToList();
        return new ParameterField(
            name,
            Str(p, "title") ?? name,
            type,
            required,
            Str(p, "description"),
            (enumSource?["enum"] as JsonArray)?.Select(v => v?.DeepClone()).ToList(),
            (enumSource?["enumNames"] as JsonArray)?.Select(v => v?.ToString() ?? "").ToList(),
            p["default"]?.DeepClone(),
            Str(p, "pattern"),
            Int(p, "minLength"),
            Int(p, "maxLength"),
            Dec(p, "minimum"),
            Dec(p, "maximum"),
            Str(p, "ui:widget"),
            Str(p, "ui:field"),
            options?["catalogFilter"] as JsonObject,
            Str(p, "ui:help"),
            p["ui:autofocus"] is JsonValue af && af.GetValueKind() == JsonValueKind.True,
            allowedKinds,
            options?["catalogFilter"] as JsonArray,
            StringList(options?["allowedHosts"]),
            StringList(options?["allowedOwners"]),
            PortalApi.ApiSelectOptions.From(p),
            EntityTagsOptions.From(p),
            Rows(options?["rows"]));
    }

    /// <summary>The fewest and most lines a textarea shows, whatever <c>ui:options.rows</c> says.</summary>
    public const int MinRows = 1, MaxRows = 30;

    /// <summary>
    /// A textarea's <c>ui:options.rows</c> (react-jsonschema-form's option), kept between <see cref="MinRows"/> and
    /// <see cref="MaxRows"/>; null (the default height) when it is absent or not a whole number.
    /// </summary>
    public static int? Rows(JsonNode? rows) => rows switch
    {
        JsonValue v when JsonNumbers.AsDecimal(v) is { } n && n == decimal.Truncate(n) => (int)Math.Clamp(n, MinRows, MaxRows),
        JsonValue v when v.GetValueKind() == JsonValueKind.String && int.TryParse(v.GetValue<string>(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) =>
            Math.Clamp(n, MinRows, MaxRows),
        _ => null,
    };

    private static List<string>? StringList(JsonNode? node) => (node as JsonArray)?.Select(k => k?.ToString()).OfType<string>().ToList();

    /// <summary>The values a form starts with: each field's default.</summary>
    public static JsonObject Defaults(IEnumerable<ParameterPage> pages)
    {
        var values = new JsonObject();
        foreach (var field in pages.SelectMany(p => p.Fields))
        {
            if (field.Default is not null)
            {
                values[field.Name] = field.Default.DeepClone();
            }
        }
        return values;
    }

    /// <summary>The given values with each missing field's default filled in (an API caller gets what the form would show).</summary>
    public static JsonObject WithDefaults(IEnumerable<ParameterPage> pages, JsonObject? values)
    {
        var merged = values?.DeepClone().AsObject() ?? [];
        foreach (var field in pages.SelectMany(p => p.Fields))
        {
            if (field.Default is not null && !merged.ContainsKey(field.Name))
            {
                merged[field.Name] = field.Default.DeepClone();
            }
        }
        return merged;
    }

    /// <summary>Every field's problems, keyed by field name; empty when the values are valid.</summary>
    public static Dictionary<string, string[]> Validate(IEnumerable<ParameterPage> pages, JsonObject values)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (values.Count > MaxValues)
        {
            errors["values"] = [$"At most {MaxValues} values can be given."];
            return errors;
        }
        var known = new HashSet<string>(StringComparer.Ordinal);
        foreach (var field in pages.SelectMany(p => p.Fields))
        {
            known.Add(field.Name);
            var problem = ValidateField(field, values[field.Name]);
            if (problem is not null)
            {
                errors[field.Name] = [problem];
            }
        }
        // Values the form does not ask for still reach the template (Backstage allows it), within the same limits.
        foreach (var (name, value) in values)
        {
            if (!known.Contains(name) && value?.ToJsonString().Length > MaxValueLength)
            {
                errors[name] = [$"'{name}' is longer than {MaxValueLength} characters."];
            }
            else if (!known.Contains(name) && Strings(value).Select(text => ControlCharacterProblem($"'{name}'", text, multiline: true)).FirstOrDefault(p => p is not null) is { } problem)
            {
                errors[name] = [problem];
            }
        }
        return errors;
    }

    /// <summary>The one problem with a field's value, or null.</summary>
    public static string? ValidateField(ParameterField field, JsonNode? value)
    {
        if (IsEmpty(value))
        {
            return field.Required ? $"{field.Title} is required." : null;
        }
        switch (field.Type)
        {
            case "string":
                {
                    if (value is not JsonValue v || v.GetValueKind() != JsonValueKind.String)
                    {
                        return $"{field.Title} must be text.";
                    }
                    var text = v.GetValue<string>();
                    if (text.Length > MaxValueLength)
                    {
                        return $"{field.Title} must be at most {MaxValueLength} characters.";
                    }
                    if (ControlCharacterProblem(field.Title, text, field.IsMultiline) is { } control)
                    {
                        return control;
                    }
                    if (field.Field == "EntityNamePicker" && !EntityName().IsMatch(text))
                    {
                        // Backstage's rule for metadata.name: refused here, not after a repository was pushed.
                        return $"{field.Title} must be a valid entity name: letters and digits, with single '-', '_' or '.' between them, "
                            + $"at most 63 characters ('{text}' is not).";
                    }
                    if (field.Field == "RepoUrlPicker" && RepoUrlValue.Problem(field.Title, text, field.AllowedHosts, field.AllowedOwners) is { } repoProblem)
                    {
                        return repoProblem;
                    }
                    if (field.MinLength is { } min && text.Length < min)
                    {
                        return $"{field.Title} must be at least {min} characters.";
                    }
                    if (field.MaxLength is { } max && text.Length > max)
                    {
                        return $"{field.Title} must be at most {max} characters.";
                    }
                    if (field.Pattern is { } pattern && Matches(pattern, text) is var matched && matched != true)
                    {
                        return matched is null
                            ? $"{field.Title} cannot be checked: the template's pattern is not a valid regular expression."
                            : $"{field.Title} does not match the required format ({pattern}).";
                    }
                    return EnumProblem(field, value);
                }
            case "number":
            case "integer":
                {
                    if (JsonNumbers.AsDecimal(value) is not { } number)
                    {
                        return $"{field.Title} must be a number.";
                    }
                    if (field.Type == "integer" && number != decimal.Truncate(number))
                    {
                        return $"{field.Title} must be a whole number.";
                    }
                    if (field.Minimum is { } min && number < min)
                    {
                        return $"{field.Title} must be at least {min.ToString(CultureInfo.InvariantCulture)}.";
                    }
                    if (field.Maximum is { } max && number > max)
                    {
                        return $"{field.Title} must be at most {max.ToString(CultureInfo.InvariantCulture)}.";
                    }
                    return EnumProblem(field, value);
                }
            case "boolean":
                return value is JsonValue b && b.GetValueKind() is JsonValueKind.True or JsonValueKind.False ? null : $"{field.Title} must be true or false.";
            case "array":
                {
                    if (value is not JsonArray items)
                    {
                        return $"{field.Title} must be a list.";
                    }
                    if (items.Count > MaxValues)
                    {
                        return $"{field.Title} can have at most {MaxValues} entries.";
                    }
                    foreach (var item in items)
                    {
                        if (EnumProblem(field, item) is { } problem)
                        {
                            return problem;
                        }
                        if (item?.ToJsonString().Length > MaxValueLength)
                        {
                            return $"An entry of {field.Title} is longer than {MaxValueLength} characters.";
                        }
                        if (Strings(item).Select(text => ControlCharacterProblem($"An entry of {field.Title}", text, multiline: false)).FirstOrDefault(p => p is not null) is { } control)
                        {
                            return control;
                        }
                        if (field.Tags is not null && TagProblem(field, item) is { } tagProblem)
                        {
                            // The rendered catalog-info.yaml would be refused by the catalog: refused here, before anything is made.
                            return tagProblem;
                        }
                    }
                    return null;
                }
            default:
                return value!.ToJsonString().Length > MaxValueLength ? $"{field.Title} is longer than {MaxValueLength} characters." : null;
        }
    }

    /// <summary>
    /// Line breaks and other control characters in text that should be one line: a value is data, and in a YAML
    /// file or a log a line break would start something new. Tabs are allowed; a textarea may also have line breaks.
    /// </summary>
    public static string? ControlCharacterProblem(string title, string text, bool multiline)
    {
        foreach (var c in text)
        {
            if (c is '\t' || multiline && c is '\n' or '\r')
            {
                continue;
            }
            if (c is '\n' or '\r' or '\u0085' or '\u2028' or '\u2029')
            {
                return $"{title} must be a single line: it contains a line break.";
            }
            if (char.IsControl(c))
            {
                return $"{title} contains the control character U+{(int)c:X4}, which is not allowed.";
            }
        }
        return null;
    }

    // Every string in a value, however deeply nested.
    private static IEnumerable<string> Strings(JsonNode? node) => node switch
    {
        JsonObject o => o.SelectMany(p => Strings(p.Value).Prepend(p.Key)),
        JsonArray a => a.SelectMany(Strings),
        JsonValue v when v.GetValueKind() == JsonValueKind.String => [v.GetValue<string>()],
        _ => [],
    };

    public static bool IsEmpty(JsonNode? value) => value is null
        || (value is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>().Length == 0)
        || (value is JsonArray a && a.Count == 0);

    /// <summary>The names of the fields whose values are secrets (<c>ui:widget: password</c>).</summary>
    public static HashSet<string> SecretNames(IEnumerable<ParameterPage> pages) =>
        pages.SelectMany(p => p.Fields).Where(f => f.IsSecret).Select(f => f.Name).ToHashSet(StringComparer.Ordinal);

    private static string? TagProblem(ParameterField field, JsonNode? item) =>
        item is JsonValue v && v.GetValueKind() == JsonValueKind.String
            ? EntityTags.Problem(v.GetValue<string>()) is { } problem ? $"{field.Title}: {problem}" : null
            : $"{field.Title}: every tag must be text.";

    private static string? EnumProblem(ParameterField field, JsonNode? value) =>
        field.Enum is { Count: > 0 } allowed && !allowed.Any(a => JsonNode.DeepEquals(a, value))
            ? $"{field.Title} must be one of: {string.Join(", ", allowed.Select(field.LabelOf))}."
            : null;

    /// <summary>True or false; null when the pattern itself is broken (the template's fault, reported as such).</summary>
    private static bool? Matches(string pattern, string text)
    {
        try
        {
            // JSON Schema patterns are unanchored ECMAScript regexes; a timeout keeps a hostile one from hanging the server.
            return Regex.IsMatch(text, pattern, RegexOptions.ECMAScript, TimeSpan.FromMilliseconds(100));
        }
        catch (ArgumentException)
        {
            return null;
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }

    private static string? Str(JsonObject o, string key) =>
        o[key] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    private static int? Int(JsonObject o, string key) =>
        JsonNumbers.AsWholeInt(o[key]);

    private static decimal? Dec(JsonObject o, string key) =>
        JsonNumbers.AsDecimal(o[key]);

    [System.Text.RegularExpressions.GeneratedRegex("^(?=.{1,63}$)[A-Za-z0-9]+([-_.][A-Za-z0-9]+)*$")]
    private static partial System.Text.RegularExpressions.Regex EntityName();
}
