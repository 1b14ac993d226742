using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Fluid;
using Fluid.Values;
using Microsoft.Extensions.FileProviders;

namespace Portal.Web.Features.Templates;

/// <summary>
/// Backstage's template syntax (<c>${{ expr }}</c> outputs, <c>{% tag %}</c> tags, Nunjucks-style filter calls such as
/// <c>| replace('-', '_')</c>) rendered by Fluid, the Liquid engine: the text is translated into Liquid
/// (a plain <c>{{ }}</c> stays literal, as it does in Backstage) and rendered in a sandbox with no file system,
/// no .NET members beyond the data handed in, and bounded in steps, range sizes, output, time and memory
/// (<see cref="TemplateRenderLimits"/>, <see cref="TemplateRenderGuards"/>).
/// </summary>
public static partial class TemplateText
{
    private const string ResultKey = "__portal_result";

    private static readonly FluidParser Parser = new();
    private static readonly TemplateOptions Options = CreateOptions();

    /// <summary>True when the text holds an expression or a tag, i.e. rendering may change it.</summary>
    public static bool HasTemplating(string text) =>
        text.Contains("${{", StringComparison.Ordinal) || text.Contains("{%", StringComparison.Ordinal);

    /// <summary>Renders text with the model's top-level values (e.g. <c>values</c>, <c>parameters</c>, <c>steps</c>).</summary>
    public static string Render(string text, IReadOnlyDictionary<string, object?> model, string describedAs)
    {
        if (!HasTemplating(text))
        {
            return text;
        }
        var template = Parse(ToLiquid(text, describedAs), describedAs);
        return RenderGuarded(template, CreateContext(model), describedAs);
    }

    /// <summary>
    /// Renders a file of a skeleton. A YAML file is rendered a second time with every output replaced by an inert
    /// word; when the two do not have the same structure (documents, mappings, lists, keys' positions, anchors, tags),
    /// a value changed the file's structure instead of filling in a scalar, and the file is refused.
    /// </summary>
    public static string RenderFile(string path, string text, IReadOnlyDictionary<string, object?> model, string describedAs)
    {
        var rendered = Render(text, model, describedAs);
        if (!HasTemplating(text) || !TemplateYamlShape.IsYamlPath(path))
        {
            return rendered;
        }
        var inert = RenderGuarded(TemplateRenderGuards.Inert(Parse(ToLiquid(text, describedAs), describedAs)), CreateContext(model), describedAs);
        if (TemplateYamlShape.Difference(inert, rendered) is { } difference)
        {
            throw new TemplateRenderException($"{describedAs}: the values would change the structure of this YAML file ({difference}). "
                + "Parameter values are data: they may fill in a value, not add keys, list items or documents.");
        }
        return rendered;
    }

    private static string RenderGuarded(IFluidTemplate template, TemplateContext context, string describedAs)
    {
        var budget = TemplateRenderGuards.BudgetOf(context)!;
        using var writer = new BoundedWriter(budget, "the output");
        try
        {
            var pending = template.RenderAsync(writer, NullEncoder.Default, context);
            if (!pending.IsCompletedSuccessfully)
            {
                pending.AsTask().GetAwaiter().GetResult();
            }
            return writer.ToString();
        }
        catch (Exception ex) when (ex is not TemplateRenderException and not OperationCanceledException)
        {
            throw Translate(ex, budget, describedAs);
        }
    }

    // A guard's exception may arrive wrapped; Fluid reports its step limit as "the maximum level of recursion".
    private static TemplateRenderException Translate(Exception ex, TemplateRenderBudget budget, string describedAs)
    {
        for (var inner = ex; inner is not null; inner = inner.InnerException)
        {
            if (inner is TemplateLimitException limit)
            {
                return new TemplateRenderException($"{describedAs}: {limit.Message}") { LimitExceeded = true };
            }
            if (inner is InvalidOperationException && inner.Message.Contains("maximum level of recursion", StringComparison.Ordinal))
            {
                return new TemplateRenderException($"{describedAs}: {budget.StepsExceeded()}") { LimitExceeded = true };
            }
            if (inner is OutOfMemoryException or InsufficientExecutionStackException)
            {
                return new TemplateRenderException($"{describedAs}: {TemplateRenderBudget.Prefix}it ran out of memory.") { LimitExceeded = true };
            }
        }
        return new TemplateRenderException($"{describedAs}: {Explain(ex)}");
    }

    /// <summary>
    /// Evaluates a YAML input value: a string that is exactly one <c>${{ expr }}</c> yields the expression's value
    /// with its type (a list stays a list, a boolean a boolean), as Backstage does; other strings are rendered as text.
    /// </summary>
    public static JsonNode? Evaluate(string text, IReadOnlyDictionary<string, object?> model, string describedAs)
    {
        var whole = WholeExpression().Match(text);
        if (!whole.Success || whole.Groups[1].Value.Contains("}}", StringComparison.Ordinal))
        {
            return JsonValue.Create(Render(text, model, describedAs));
        }
        var template = Parse("{{ " + TranslateExpression(whole.Groups[1].Value) + " | " + ResultKey + " }}", describedAs);
        var context = CreateContext(model);
        RenderGuarded(template, context, describedAs);
        return context.AmbientValues.TryGetValue(ResultKey, out var result) ? ToJson((FluidValue)result) : null;
    }

    // Fluid's own exceptions carry useful text; an include reaching for a file is told plainly that templates cannot read files.
    private static string Explain(Exception ex) => ex is IOException
        ? "templates cannot include or read files (" + ex.Message + ")."
        : ex.Message;

    /// <summary>Renders every string in a YAML input tree (keys stay as written).</summary>
    public static JsonNode? EvaluateTree(JsonNode? node, IReadOnlyDictionary<string, object?> model, string describedAs) => node switch
    {
        JsonObject o => new JsonObject(o.Select(p => KeyValuePair.Create(p.Key, EvaluateTree(p.Value, model, $"{describedAs}.{p.Key}")))),
        JsonArray a => new JsonArray(a.Select((v, i) => EvaluateTree(v, model, $"{describedAs}[{i}]")).ToArray()),
        JsonValue v when v.GetValueKind() == JsonValueKind.String => Evaluate(v.GetValue<string>(), model, describedAs),
        _ => node?.DeepClone(),
    };

    /// <summary>Liquid's truthiness, widened the way Nunjucks reads conditions: empty strings and "false" are false.</summary>
    public static bool IsTruthy(JsonNode? value) => value switch
    {
        null => false,
        JsonValue v when v.GetValueKind() == JsonValueKind.False => false,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>() is { Length: > 0 } s && !s.Equals("false", StringComparison.OrdinalIgnoreCase),
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.GetValue<decimal>() != 0,
        _ => true,
    };

    /// <summary>Translates Backstage/Nunjucks template text into Liquid that Fluid parses.</summary>
    public static string ToLiquid(string text, string describedAs)
    {
        var output = new StringBuilder(text.Length + 32);
        var literal = new StringBuilder();
        var i = 0;
        while (i < text.Length)
        {
            if (string.CompareOrdinal(text, i, "${{", 0, 3) == 0)
            {
                var end = FindClose(text, i + 3, "}}");
                if (end < 0)
                {
                    throw new TemplateRenderException($"{describedAs}: an expression opened with ${{{{ at {LineOf(text, i)} is not closed with }}}}.");
                }
                FlushLiteral(output, literal);
                output.Append("{{").Append(TranslateExpression(text[(i + 3)..end])).Append("}}");
                i = end + 2;
            }
            else if (string.CompareOrdinal(text, i, "{%", 0, 2) == 0)
            {
                var end = FindClose(text, i + 2, "%}");
                if (end < 0)
                {
                    throw new TemplateRenderException($"{describedAs}: a tag opened with {{% at {LineOf(text, i)} is not closed with %}}.");
                }
                FlushLiteral(output, literal);
                var tag = text[(i + 2)..end];
                if (RawTag().IsMatch(tag))
                {
                    // A raw block is literal up to its endraw: copied through untouched.
                    var endRaw = EndRawTag().Match(text, end + 2);
                    if (!endRaw.Success)
                    {
                        throw new TemplateRenderException($"{describedAs}: {{% raw %}} at {LineOf(text, i)} has no {{% endraw %}}.");
                    }
                    output.Append(text, i, endRaw.Index + endRaw.Length - i);
                    i = endRaw.Index + endRaw.Length;
                    continue;
                }
                output.Append("{%").Append(TranslateExpression(tag)).Append("%}");
                i = end + 2;
            }
            else
            {
                literal.Append(text[i]);
                i++;
            }
        }
        FlushLiteral(output, literal);
        return output.ToString();
    }

    // Literal text that Liquid would read as an output ({{ ... }} in a GitHub workflow, say) is wrapped in a raw block.
    private static void FlushLiteral(StringBuilder output, StringBuilder literal)
    {
        if (literal.Length == 0)
        {
            return;
        }
        var text = literal.ToString();
        if (text.Contains("{{", StringComparison.Ordinal))
        {
            output.Append("{% raw %}").Append(text).Append("{% endraw %}");
        }
        else
        {
            output.Append(text);
        }
        literal.Clear();
    }

    /// <summary>Nunjucks filter calls <c>| name(a, b)</c> become Liquid's <c>| name: a, b</c>.</summary>
    private static string TranslateExpression(string expression) =>
        FilterCall().Replace(expression, m => m.Groups[2].Value.Trim().Length == 0
            ? $"| {m.Groups[1].Value}"
            : $"| {m.Groups[1].Value}: {m.Groups[2].Value}");

    private static int FindClose(string text, int from, string close)
    {
        char quote = '\0';
        for (var i = from; i < text.Length - 1; i++)
        {
            var c = text[i];
            if (quote != '\0')
            {
                if (c == quote)
                {
                    quote = '\0';
                }
            }
            else if (c is '\'' or '"')
            {
                quote = c;
            }
            else if (c == close[0] && text[i + 1] == close[1])
            {
                return i;
            }
        }
        return -1;
    }

    private static string LineOf(string text, int index) =>
        "line " + (text.AsSpan(0, index).Count('\n') + 1).ToString(CultureInfo.InvariantCulture);

    private static IFluidTemplate Parse(string liquid, string describedAs)
    {
        if (!Parser.TryParse(liquid, out var template, out var error))
        {
            throw new TemplateRenderException($"{describedAs}: {error}");
        }
        return TemplateRenderGuards.Guard(template);
    }

    private static TemplateContext CreateContext(IReadOnlyDictionary<string, object?> model)
    {
        var limits = TemplateRenderLimits.Current;
        var context = new TemplateContext(Options) { MaxSteps = limits.MaxSteps };
        context.AmbientValues[TemplateRenderGuards.BudgetKey] = new TemplateRenderBudget(limits);
        foreach (var (key, value) in model)
        {
            context.SetValue(key, value is JsonNode node ? ToClr(node) : value);
        }
        return context;
    }

    private static TemplateOptions CreateOptions()
    {
        var options = new TemplateOptions
        {
            // No include/render of files, no .NET members: templates see only the data they are given.
            FileProvider = new NullFileProvider(),
            MemberAccessStrategy = new DefaultMemberAccessStrategy(),
            MaxSteps = TemplateRenderLimits.Default.MaxSteps,
            MaxRecursion = 20,
            CultureInfo = CultureInfo.InvariantCulture,
        };
        options.Filters.AddFilter("lower", (input, _, _) => new StringValue(input.ToStringValue().ToLowerInvariant()));
        options.Filters.AddFilter("upper", (input, _, _) => new StringValue(input.ToStringValue().ToUpperInvariant()));
        options.Filters.AddFilter("trim", (input, _, _) => new StringValue(input.ToStringValue().Trim()));
        options.Filters.AddFilter("length", (input, _, _) => NumberValue.Create(input is ArrayValue a ? a.Values.Count : input.ToStringValue().Length));
        options.Filters.AddFilter("dump", (input, _, _) => new StringValue(ToJson(input)?.ToJsonString() ?? "null"));
        options.Filters.AddFilter("pick", (input, args, context) => input.GetValueAsync(args.At(0).ToStringValue(), context));
        options.Filters.AddFilter("parseRepoUrl", (input, _, _) => FluidValue.Create(TemplateFilters.ParseRepoUrl(input.ToStringValue()), Options));
        options.Filters.AddFilter("projectSlug", (input, _, _) =>
        {
            var repo = TemplateFilters.ParseRepoUrl(input.ToStringValue());
            return new StringValue($"{repo["owner"] ?? repo["organization"]}/{repo["repo"]}");
        });
        options.Filters.AddFilter("parseEntityRef", (input, _, _) => FluidValue.Create(TemplateFilters.ParseEntityRef(input.ToStringValue()), Options));
        options.Filters.AddFilter(ResultKey, (input, _, context) =>
        {
            context.AmbientValues[ResultKey] = input;
            return StringValue.Empty;
        });
        TemplateRenderGuards.GuardFilters(options);
        return options;
    }

    /// <summary>JSON data as the plain dictionaries, lists and scalars Fluid reads.</summary>
    public static object? ToClr(JsonNode? node) => node switch
    {
        null => null,
        JsonObject o => o.ToDictionary(p => p.Key, p => ToClr(p.Value), StringComparer.Ordinal),
        JsonArray a => a.Select(ToClr).ToList(),
        JsonValue v => v.GetValueKind() switch
        {
            // An empty string is "no value", as in Nunjucks: {% if values.system %} is false for "".
            JsonValueKind.String => v.GetValue<string>() is { Length: > 0 } text ? text : null,
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number => v.TryGetValue<decimal>(out var d) ? d : v.GetValue<double>(),
            _ => null,
        },
        _ => null,
    };

    private static JsonNode? ToJson(FluidValue value) => value switch
    {
        NilValue or EmptyValue or BlankValue => null,
        BooleanValue b => JsonValue.Create(b.ToBooleanValue()),
        NumberValue n => JsonValue.Create(n.ToNumberValue()),
        StringValue s => JsonValue.Create(s.ToStringValue()),
        ArrayValue a => new JsonArray(a.Values.Select(ToJson).ToArray()),
        _ => ToJsonObject(value.ToObjectValue()),
    };

    private static JsonNode? ToJsonObject(object? value) => value switch
    {
        null => null,
        FluidValue f => ToJson(f),
        IFluidIndexable indexable => new JsonObject(indexable.Keys.Select(k =>
            KeyValuePair.Create(k, indexable.TryGetValue(k, out var v) ? ToJson(v) : null))),
        IDictionary<string, object?> d => new JsonObject(d.Select(p => KeyValuePair.Create(p.Key, ToJsonObject(p.Value)))),
        IEnumerable<object?> list when value is not string => new JsonArray(list.Select(ToJsonObject).ToArray()),
        string s => JsonValue.Create(s),
        bool b => JsonValue.Create(b),
        decimal m => JsonValue.Create(m),
        double d => JsonValue.Create(d),
        int i => JsonValue.Create(i),
        long l => JsonValue.Create(l),
        _ => JsonValue.Create(Convert.ToString(value, CultureInfo.InvariantCulture)),
    };

    [GeneratedRegex(@"^\s*\$\{\{(.*)\}\}\s*$", RegexOptions.Singleline)]
    private static partial Regex WholeExpression();

    [GeneratedRegex(@"\|\s*([A-Za-z_][A-Za-z0-9_]*)\s*\(((?:[^()'""]|'[^']*'|""[^""]*"")*)\)")]
    private static partial Regex FilterCall();

    [GeneratedRegex(@"^-?\s*raw\s*-?$")]
    private static partial Regex RawTag();

    [GeneratedRegex(@"\{%-?\s*endraw\s*-?%\}")]
    private static partial Regex EndRawTag();
}
