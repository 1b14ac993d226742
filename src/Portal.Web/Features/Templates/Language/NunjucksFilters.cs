using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace Portal.Web.Features.Templates.Language;

/// <summary>
/// The filters a template may use: Nunjucks' built-ins (as Nunjucks defines them), Backstage's
/// (<c>parseRepoUrl</c>, <c>parseEntityRef</c>, <c>pick</c>, <c>projectSlug</c>), cookiecutter's <c>jsonify</c>, and
/// the Liquid names Portal accepted before. Any other name is an error, never a silent pass-through.
/// </summary>
internal static partial class NunjucksFilters
{
    public delegate object? Filter(object? input, IReadOnlyList<object?> args, IReadOnlyDictionary<string, object?> named);

    private static object? Arg(IReadOnlyList<object?> args, IReadOnlyDictionary<string, object?> named, int index, string name) =>
        named.TryGetValue(name, out var n) ? n : index < args.Count ? args[index] : Undefined.Value;

    private static string Text(object? value) => JsValues.Output(value);

    private static List<object?> Items(object? value) => value switch
    {
        IList<object?> list => [.. list],
        string s => s.Select(c => (object?)c.ToString()).ToList(),
        IDictionary<string, object?> d => d.Select(p => (object?)new List<object?> { p.Key, p.Value }).ToList(),
        _ => [],
    };

    private static object? Attribute(object? item, string path)
    {
        foreach (var part in path.Split('.'))
        {
            item = item is IDictionary<string, object?> d && d.TryGetValue(part, out var v) ? v : Undefined.Value;
        }
        return item;
    }

    public static readonly IReadOnlyDictionary<string, Filter> All = new Dictionary<string, Filter>(StringComparer.Ordinal)
    {
        // Nunjucks built-ins
        ["abs"] = (input, _, _) => Math.Abs(JsValues.ToNumber(input)),
        ["batch"] = (input, args, named) =>
        {
            var size = Math.Max(1, (int)JsValues.ToNumber(Arg(args, named, 0, "linecount")));
            var fill = Arg(args, named, 1, "fill_with");
            var batches = new List<object?>();
            List<object?>? current = null;
            foreach (var item in Items(input))
            {
                if (current is null || current.Count == size)
                {
                    current = [];
                    batches.Add(current);
                }
                current.Add(item);
            }
            if (current is not null && fill is not Undefined)
            {
                while (current.Count < size)
                {
                    current.Add(fill);
                }
            }
            return batches;
        },
        ["capitalize"] = (input, _, _) => Text(input) is { Length: > 0 } s ? char.ToUpperInvariant(s[0]) + s[1..].ToLowerInvariant() : "",
        ["center"] = (input, args, named) =>
        {
            var s = Text(input);
            var width = Arg(args, named, 0, "width") is Undefined ? 80 : (int)Math.Min(JsValues.ToNumber(Arg(args, named, 0, "width")), 1_000_000);
            if (s.Length >= width)
            {
                return s;
            }
            var left = (width - s.Length) / 2;
            return new string(' ', left) + s + new string(' ', width - s.Length - left);
        },
        ["default"] = Default,
        ["d"] = Default,
        ["dictsort"] = (input, args, named) =>
        {
            if (input is not IDictionary<string, object?> d)
            {
                throw new TemplateRenderException("dictsort needs an object.");
            }
            var byValue = Text(Arg(args, named, 1, "by")) == "value";
            var caseSensitive = JsValues.Truthy(Arg(args, named, 0, "caseSensitive"));
            var comparer = caseSensitive ? StringComparer.Ordinal : StringComparer.OrdinalIgnoreCase;
            return d.OrderBy(p => byValue ? Text(p.Value) : p.Key, comparer).Select(p => (object?)new List<object?> { p.Key, p.Value }).ToList();
        },
        ["dump"] = (input, args, named) => JsValues.Dump(input, Arg(args, named, 0, "spaces") is double n ? (int)n : 0),
        ["escape"] = (input, _, _) => WebUtility.HtmlEncode(Text(input)),
        ["e"] = (input, _, _) => WebUtility.HtmlEncode(Text(input)),
        ["first"] = (input, _, _) => Items(input) is { Count: > 0 } items ? items[0] : Undefined.Value,
        ["float"] = (input, args, named) => JsValues.ToNumber(input) is var n && !double.IsNaN(n) && JsValues.Output(input).Length > 0 ? n
            : Arg(args, named, 0, "default") is var d && d is not Undefined ? d : 0.0,
        ["groupby"] = (input, args, named) =>
        {
            var attribute = Text(Arg(args, named, 0, "attribute"));
            var groups = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var item in Items(input))
            {
                var key = Text(Attribute(item, attribute));
                if (!groups.TryGetValue(key, out var list))
                {
                    groups[key] = list = new List<object?>();
                }
                ((List<object?>)list!).Add(item);
            }
            return groups;
        },
        ["indent"] = (input, args, named) =>
        {
            var width = Arg(args, named, 0, "width") is Undefined ? 4 : (int)Math.Clamp(JsValues.ToNumber(Arg(args, named, 0, "width")), 0, 1000);
            var first = JsValues.Truthy(Arg(args, named, 1, "indentfirst"));
            var pad = new string(' ', width);
            var lines = Text(input).Split('\n');
            return string.Join("\n", lines.Select((l, i) => (i == 0 && !first) || l.Length == 0 ? l : pad + l));
        },
        ["int"] = (input, args, named) =>
        {
            var n = JsValues.ToNumber(input is string s ? LeadingNumber(s) : input);
            return double.IsNaN(n) ? (Arg(args, named, 0, "default") is var d && d is not Undefined ? d : 0.0) : Math.Truncate(n);
        },
        ["join"] = (input, args, named) =>
        {
            var separator = Arg(args, named, 0, "del") is Undefined ? "" : Text(Arg(args, named, 0, "del"));
            var attribute = Arg(args, named, 1, "attr");
            var items = Items(input).Select(i => attribute is Undefined ? i : Attribute(i, Text(attribute)));
            return string.Join(separator, items.Select(Text));
        },
        ["last"] = (input, _, _) => Items(input) is { Count: > 0 } items ? items[^1] : Undefined.Value,
        ["length"] = (input, args, named) => Length(input, args, named),
        ["list"] = (input, _, _) => Items(input),
        ["lower"] = (input, _, _) => Text(input).ToLowerInvariant(),
        ["nl2br"] = (input, _, _) => NewLine().Replace(Text(input), "<br />\n"),
        ["rejectattr"] = (input, args, named) => Items(input).Where(i => !JsValues.Truthy(Attribute(i, Text(Arg(args, named, 0, "attr"))))).ToList(),
        ["replace"] = (input, args, named) =>
        {
            var s = Text(input);
            var find = Text(Arg(args, named, 0, "old"));
            var with = Text(Arg(args, named, 1, "new"));
            var max = Arg(args, named, 2, "maxCount") is double m ? (int)m : -1;
            if (find.Length == 0)
            {
                return s;
            }
            var result = new StringBuilder();
            var at = 0;
            var count = 0;
            for (var i = s.IndexOf(find, StringComparison.Ordinal); i >= 0 && (max < 0 || count < max); i = s.IndexOf(find, at, StringComparison.Ordinal))
            {
                result.Append(s, at, i - at).Append(with);
                at = i + find.Length;
                count++;
            }
            return result.Append(s, at, s.Length - at).ToString();
        },
        ["reverse"] = (input, _, _) => input is string s ? new string(s.Reverse().ToArray()) : Enumerable.Reverse(Items(input)).ToList(),
        ["round"] = (input, args, named) =>
        {
            var precision = Arg(args, named, 0, "precision") is double p ? (int)Math.Clamp(p, 0, 15) : 0;
            var method = Text(Arg(args, named, 1, "method"));
            var factor = Math.Pow(10, precision);
            var n = JsValues.ToNumber(input) * factor;
            n = method switch { "ceil" => Math.Ceiling(n), "floor" => Math.Floor(n), _ => Math.Round(n, MidpointRounding.AwayFromZero) };
            return n / factor;
        },
        ["safe"] = (input, _, _) => input,
        ["selectattr"] = (input, args, named) => Items(input).Where(i => JsValues.Truthy(Attribute(i, Text(Arg(args, named, 0, "attr"))))).ToList(),
        ["sort"] = (input, args, named) =>
        {
            var reverse = JsValues.Truthy(Arg(args, named, 0, "reverse"));
            var caseSensitive = JsValues.Truthy(Arg(args, named, 1, "caseSens"));
            var attribute = Arg(args, named, 2, "attribute");
            var items = Items(input);
            object? Key(object? i) => attribute is Undefined ? i : Attribute(i, Text(attribute));
            Comparison<object?> compare = (a, b) =>
            {
                var x = Key(a);
                var y = Key(b);
                if (x is string sx && y is string sy)
                {
                    return caseSensitive ? string.CompareOrdinal(sx, sy) : string.Compare(sx, sy, StringComparison.OrdinalIgnoreCase);
                }
                return JsValues.ToNumber(x).CompareTo(JsValues.ToNumber(y));
            };
            var sorted = items.Order(Comparer<object?>.Create(compare)).ToList();
            if (reverse)
            {
                sorted.Reverse();
            }
            return sorted;
        },
        ["string"] = (input, _, _) => Text(input),
        ["striptags"] = (input, _, _) => Spaces().Replace(Tags().Replace(Text(input), ""), " ").Trim(),
        ["sum"] = (input, args, named) =>
        {
            var attribute = Arg(args, named, 0, "attr");
            var start = Arg(args, named, 1, "start") is double s ? s : 0;
            return start + Items(input).Sum(i => JsValues.ToNumber(attribute is Undefined ? i : Attribute(i, Text(attribute))));
        },
        ["title"] = (input, _, _) => string.Join(" ", Text(input).Split(' ').Select(w => w.Length == 0 ? w : char.ToUpperInvariant(w[0]) + w[1..].ToLowerInvariant())),
        ["trim"] = (input, _, _) => Text(input).Trim(),
        ["truncate"] = (input, args, named) =>
        {
            var s = Text(input);
            var length = Arg(args, named, 0, "length") is double l ? (int)Math.Max(0, l) : 255;
            var killWords = JsValues.Truthy(Arg(args, named, 1, "killwords"));
            var end = Arg(args, named, 2, "end") is Undefined ? "..." : Text(Arg(args, named, 2, "end"));
            if (s.Length <= length)
            {
                return s;
            }
            if (killWords)
            {
                return s[..length] + end;
            }
            var cut = s.LastIndexOf(' ', Math.Max(0, length - 1));
            return (cut > 0 ? s[..cut] : s[..length]) + end;
        },
        ["upper"] = (input, _, _) => Text(input).ToUpperInvariant(),
        ["urlencode"] = (input, _, _) => input is IDictionary<string, object?> d
            ? string.Join("&", d.Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(Text(p.Value))))
            : Uri.EscapeDataString(Text(input)),
        ["wordcount"] = (input, _, _) => (double)Text(input).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length,

        // Backstage's scaffolder filters
        ["parseRepoUrl"] = (input, _, _) => Absent(TemplateFilters.ParseRepoUrl(Text(input))),
        ["parseEntityRef"] = (input, args, _) =>
        {
            var options = args.Count > 0 ? args[0] as IDictionary<string, object?> : null;
            string? Option(string key) => options is not null && options.TryGetValue(key, out var v) && !JsValues.IsNullish(v) ? Text(v) : null;
            return Absent(TemplateFilters.ParseEntityRef(Text(input), Option("defaultKind"), Option("defaultNamespace")));
        },
        ["pick"] = (input, args, named) =>
        {
            // lodash's get: a dotted path into the object.
            var path = Text(Arg(args, named, 0, "key"));
            object? value = input;
            foreach (var part in path.Split('.'))
            {
                value = value switch
                {
                    IDictionary<string, object?> d => d.TryGetValue(part, out var v) ? v : Undefined.Value,
                    StrictObject s => s.Get(part),
                    IList<object?> l when int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < l.Count => l[i],
                    _ => Undefined.Value,
                };
            }
            return value;
        },
        ["projectSlug"] = (input, _, _) =>
        {
            var repo = TemplateFilters.ParseRepoUrl(Text(input));
            return $"{repo["owner"] ?? repo["organization"]}/{repo["repo"]}";
        },

        // cookiecutter-compatible skeletons (cookiecutterCompat: true)
        ["jsonify"] = (input, args, named) => JsValues.Dump(input, Arg(args, named, 0, "spaces") is double n ? (int)n : 0),

        // Liquid names Portal accepted before it spoke Nunjucks
        ["append"] = (input, args, _) => Text(input) + Text(args.ElementAtOrDefault(0)),
        ["prepend"] = (input, args, _) => Text(args.ElementAtOrDefault(0)) + Text(input),
        ["upcase"] = (input, _, _) => Text(input).ToUpperInvariant(),
        ["downcase"] = (input, _, _) => Text(input).ToLowerInvariant(),
        ["size"] = (input, args, named) => Length(input, args, named),
        ["strip"] = (input, _, _) => Text(input).Trim(),
        ["split"] = (input, args, _) => Text(input).Split(Text(args.ElementAtOrDefault(0))).Select(s => (object?)s).ToList(),
        ["url_encode"] = (input, _, _) => Uri.EscapeDataString(Text(input)),
    };

    // Backstage's parsers leave a part they did not find undefined (not null): "owner" + "/" then reads "undefined/".
    private static Dictionary<string, object?> Absent(Dictionary<string, object?> parts) =>
        parts.ToDictionary(p => p.Key, p => (object?)(p.Value ?? Undefined.Value), StringComparer.Ordinal);

    private static object? Default(object? input, IReadOnlyList<object?> args, IReadOnlyDictionary<string, object?> named)
    {
        var fallback = Arg(args, named, 0, "value");
        var falsy = JsValues.Truthy(Arg(args, named, 1, "boolean"));
        return falsy ? (JsValues.Truthy(input) ? input : fallback) : (input is Undefined ? fallback : input);
    }

    private static double Length(object? input, IReadOnlyList<object?> args, IReadOnlyDictionary<string, object?> named) => input switch
    {
        string s => s.Length,
        IList<object?> l => l.Count,
        IDictionary<string, object?> d => d.Count,
        StrictObject s => s.Members.Count,
        _ => 0,
    };

    private static string LeadingNumber(string s)
    {
        var m = LeadingNumberPattern().Match(s);
        return m.Success ? m.Value : "x";
    }

    [GeneratedRegex(@"^\s*[-+]?\d+(\.\d+)?")]
    private static partial Regex LeadingNumberPattern();

    [GeneratedRegex(@"\r\n|\n")]
    private static partial Regex NewLine();

    [GeneratedRegex(@"<\/?([a-z][a-z0-9]*)\b[^>]*>|<!--[\s\S]*?-->", RegexOptions.IgnoreCase)]
    private static partial Regex Tags();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
