using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Portal.Web.Features.Templates.Language;
using Portal.Web.Infrastructure.Json;

namespace Portal.Web.Features.Templates;

/// <summary>
/// Backstage's template language: Nunjucks with <c>${{ }}</c> outputs and <c>{% %}</c> tags (or <c>{{ }}</c> in
/// cookiecutter-compatible skeletons), parsed and evaluated by Portal's own engine (<see cref="NunjucksParser"/>,
/// <see cref="NunjucksRenderer"/>; the choice is recorded in docs/adr/0008-own-nunjucks-engine.md). Rendering is a
/// sandbox: no file system, no .NET members, bounded in steps, range sizes, output, time and memory
/// (<see cref="TemplateRenderLimits"/>). Errors quote the author's own text with its line and column.
/// </summary>
public static class TemplateText
{
    private static readonly AsyncLocal<List<string>?> Warnings = new();

    /// <summary>True when the text holds an expression or a tag, i.e. rendering may change it.</summary>
    public static bool HasTemplating(string text, bool cookiecutter = false) =>
        text.Contains(cookiecutter ? "{{" : "${{", StringComparison.Ordinal) || text.Contains("{%", StringComparison.Ordinal)
        || text.Contains("{#", StringComparison.Ordinal);

    /// <summary>Collects the warnings renderings make (e.g. an unknown <c>secrets.X</c>) until disposed.</summary>
    public static IDisposable CollectWarnings(List<string> sink)
    {
        var previous = Warnings.Value;
        Warnings.Value = sink;
        return new Restore(() => Warnings.Value = previous);
    }

    /// <summary>Records a warning for the step's log (nothing happens outside a collecting run).</summary>
    public static void Warn(string message) => Warnings.Value?.Add(message);

    private sealed class Restore(Action restore) : IDisposable
    {
        public void Dispose() => restore();
    }

    /// <summary>Renders text with the model's top-level values (e.g. <c>values</c>, <c>parameters</c>, <c>steps</c>).</summary>
    public static string Render(string text, IReadOnlyDictionary<string, object?> model, string describedAs, bool cookiecutter = false)
    {
        if (!HasTemplating(text, cookiecutter))
        {
            return text;
        }
        return RenderParsed(text, Parse(text, describedAs, cookiecutter), model, describedAs, inert: false);
    }

    /// <summary>
    /// Renders a file of a skeleton. A YAML file is rendered a second time with every output replaced by an inert
    /// word; when the two do not have the same structure (documents, mappings, lists, keys' positions, anchors, tags),
    /// a value changed the file's structure instead of filling in a scalar, and the file is refused.
    /// </summary>
    public static string RenderFile(string path, string text, IReadOnlyDictionary<string, object?> model, string describedAs, bool cookiecutter = false)
    {
        if (!HasTemplating(text, cookiecutter))
        {
            return text;
        }
        var parsed = Parse(text, describedAs, cookiecutter);
        var rendered = RenderParsed(text, parsed, model, describedAs, inert: false);
        if (!TemplateYamlShape.IsYamlPath(path))
        {
            return rendered;
        }
        var inert = RenderParsed(text, parsed, model, describedAs, inert: true);
        if (TemplateYamlShape.Difference(inert, rendered) is { } difference)
        {
            throw new TemplateRenderException($"{describedAs}: the values would change the structure of this YAML file ({difference}). "
                + "Parameter values are data: they may fill in a value, not add keys, list items or documents.");
        }
        return rendered;
    }

    /// <summary>
    /// Evaluates a YAML input value: a string that is exactly one <c>${{ expr }}</c> yields the expression's value
    /// with its type (a list stays a list, a boolean a boolean), as Backstage does; other strings are rendered as text.
    /// </summary>
    public static JsonNode? Evaluate(string text, IReadOnlyDictionary<string, object?> model, string describedAs)
    {
        if (!HasTemplating(text))
        {
            return JsonValue.Create(text);
        }
        var parsed = Parse(text, describedAs, cookiecutter: false);
        var outputs = parsed.Where(s => s is not TextStmt t || !string.IsNullOrWhiteSpace(t.Text)).ToList();
        if (outputs is [OutputStmt only] && text.AsSpan().Trim().StartsWith("${{"))
        {
            var value = Run(text, describedAs, model, (renderer, frame) =>
            {
                try
                {
                    return renderer.Eval(only.Expr, frame);
                }
                catch (TemplateSyntaxError e) when (e.Quote is null)
                {
                    throw new TemplateSyntaxError(e.Message, e.At, only.Source);
                }
            });
            return JsValues.ToJson(value);
        }
        return JsonValue.Create(RenderParsed(text, parsed, model, describedAs, inert: false));
    }

    /// <summary>Renders every string in a YAML input tree (keys stay as written).</summary>
    public static JsonNode? EvaluateTree(JsonNode? node, IReadOnlyDictionary<string, object?> model, string describedAs) => node switch
    {
        JsonObject o => new JsonObject(o.Select(p => KeyValuePair.Create(p.Key, EvaluateTree(p.Value, model, $"{describedAs}.{p.Key}")))),
        JsonArray a => new JsonArray(a.Select((v, i) => EvaluateTree(v, model, $"{describedAs}[{i}]")).ToArray()),
        JsonValue v when v.GetValueKind() == JsonValueKind.String => Evaluate(v.GetValue<string>(), model, describedAs),
        // A number, boolean or null written in the YAML (http_port: 8080) is data as it is.
        _ => node is null ? null : JsonNode.Parse(node.ToJsonString()),
    };

    /// <summary>
    /// How a step's <c>if</c> reads its value: false, null, 0, an empty text or list, and the text "false" are false.
    /// </summary>
    public static bool IsTruthy(JsonNode? value) => value switch
    {
        null => false,
        JsonValue v when v.GetValueKind() == JsonValueKind.False => false,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>() is { Length: > 0 } s && !s.Equals("false", StringComparison.OrdinalIgnoreCase),
        JsonValue v when JsonNumbers.AsDecimal(v) is { } number => number != 0,
        JsonArray a => a.Count > 0,
        _ => true,
    };

    private static IReadOnlyList<Stmt> Parse(string text, string describedAs, bool cookiecutter)
    {
        try
        {
            return NunjucksParser.Parse(text, cookiecutter);
        }
        catch (TemplateSyntaxError e)
        {
            throw Positioned(e, text, describedAs);
        }
    }

    private static string RenderParsed(string text, IReadOnlyList<Stmt> parsed, IReadOnlyDictionary<string, object?> model, string describedAs, bool inert) =>
        Run(text, describedAs, model, (renderer, frame) =>
        {
            using var writer = new BoundedWriter(renderer.Budget, "the output");
            renderer.Render(parsed, writer, frame);
            return writer.ToString();
        }, inert) as string ?? "";

    private static object? Run(string text, string describedAs, IReadOnlyDictionary<string, object?> model,
        Func<NunjucksRenderer, NunjucksRenderer.Frame, object?> body, bool inert = false)
    {
        var budget = new TemplateRenderBudget(TemplateRenderLimits.Current);
        var renderer = new NunjucksRenderer(budget, inert);
        var frame = new NunjucksRenderer.Frame(null);
        foreach (var (key, value) in model)
        {
            frame.SetLocal(key, value is JsonNode node ? JsValues.FromJson(node) : value);
        }
        try
        {
            return body(renderer, frame);
        }
        catch (TemplateSyntaxError e)
        {
            throw Positioned(e, text, describedAs);
        }
        catch (TemplateLimitException limit)
        {
            throw new TemplateRenderException($"{describedAs}: {limit.Message}") { LimitExceeded = true };
        }
        catch (InsufficientExecutionStackException)
        {
            throw new TemplateRenderException($"{describedAs}: {TemplateRenderBudget.Prefix}the template is nested too deeply.") { LimitExceeded = true };
        }
        catch (OutOfMemoryException)
        {
            throw new TemplateRenderException($"{describedAs}: {TemplateRenderBudget.Prefix}it ran out of memory.") { LimitExceeded = true };
        }
    }

    private const int MaxQuote = 200;

    /// <summary>"&lt;what&gt;, line L, column C: &lt;problem&gt; in &lt;the author's own text&gt;".</summary>
    private static TemplateRenderException Positioned(TemplateSyntaxError e, string text, string describedAs)
    {
        var at = Math.Clamp(e.At, 0, text.Length);
        var line = text.AsSpan(0, at).Count('\n') + 1;
        var lineStart = at == 0 ? 0 : text.LastIndexOf('\n', at - 1) + 1;
        var column = at - lineStart + 1;
        var where = string.Create(CultureInfo.InvariantCulture, $"{describedAs}, line {line}, column {column}");
        if (e.Quote is not { } quote)
        {
            return new TemplateRenderException($"{where}: {e.Message}.");
        }
        var start = Math.Clamp(quote.Start, 0, text.Length);
        var end = Math.Clamp(quote.End, start, text.Length);
        var quoted = text[start..end];
        if (quoted.Length > MaxQuote)
        {
            quoted = quoted[..MaxQuote] + "…";
        }
        return new TemplateRenderException($"{where}: {e.Message}, in {quoted}");
    }
}
