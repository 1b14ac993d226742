using System.Globalization;
using System.Numerics;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Portal.Web.Features.Catalog;

/// <summary>One YAML document of a descriptor file: the entity as JSON, or why it could not be read.</summary>
/// <param name="Index">0-based position of the document in the file; skipped empty documents still count.</param>
/// <param name="Line">
/// 1-based line where the document starts (its <c>---</c>, or its first content line when the marker is omitted);
/// for a syntax error, the line of the error.
/// </param>
/// <param name="Entity">The document as a JSON object, or <c>null</c> when <paramref name="Error"/> is set.</param>
/// <param name="Error">Why the document could not be read, or <c>null</c>.</param>
public sealed record ParsedDocument(int Index, int Line, JsonObject? Entity, string? Error);

/// <summary>Reads and writes catalog descriptor files (<c>catalog-info.yaml</c>) as JSON entities.</summary>
public static partial class DescriptorYaml
{
    /// <summary>
    /// Aliases share nodes, so a small file can expand to billions of JSON nodes ("billion laughs");
    /// conversion stops past this many.
    /// </summary>
    public const int MaxNodes = 1_000_000;

    /// <summary>
    /// Deeper nesting than this is refused: the conversion recurses, and no descriptor needs it.
    /// Note <see cref="JsonDocument"/> parses only 64 levels by default.
    /// </summary>
    public const int MaxDepth = 256;

    private const string YamlTagPrefix = "tag:yaml.org,2002:";

    /// <summary>
    /// Parses multi-document YAML into JSON objects, one per non-empty document. A syntax error yields one
    /// <see cref="ParsedDocument"/> with <c>Error = "line L, column C: message"</c> and stops parsing the file
    /// (documents before it are kept). A document that is not a mapping yields an error
    /// (<c>"document N is not a mapping"</c>, N 1-based). Empty and <c>null</c> documents are skipped, as Backstage does.
    /// </summary>
    public static IReadOnlyList<ParsedDocument> Parse(string yaml)
    {
        ArgumentNullException.ThrowIfNull(yaml);

        using var reader = new StringReader(yaml);
        var parser = new DocumentTrackingParser(new Parser(reader));
        var stream = new YamlStream();
        YamlException? syntaxError = null;
        try
        {
            stream.Load(parser);
        }
        catch (YamlException ex)
        {
            // YamlStream adds each document as soon as it is complete, so the ones before the error survive.
            syntaxError = ex;
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner throws this (not a YamlException) on some unclosed flow collections.
            var near = parser.Current?.End ?? Mark.Empty;
            syntaxError = new YamlException(near, near, "the YAML is malformed here (an unclosed [ or { ?)");
        }

        var results = new List<ParsedDocument>();
        for (var index = 0; index < stream.Documents.Count; index++)
        {
            var line = index < parser.DocumentLines.Count ? parser.DocumentLines[index] : 1;
            JsonNode? json;
            try
            {
                json = ToJson(stream.Documents[index].RootNode);
            }
            catch (FormatException ex)
            {
                results.Add(new ParsedDocument(index, line, null, ex.Message));
                continue;
            }

            switch (json)
            {
                case null:
                    break;
                case JsonObject entity:
                    results.Add(new ParsedDocument(index, line, entity, null));
                    break;
                default:
                    results.Add(new ParsedDocument(index, line, null, $"document {index + 1} is not a mapping"));
                    break;
            }
        }

        if (syntaxError is not null)
        {
            var mark = syntaxError.Start;
            var line = ToInt(mark.Line);
            // Errors raised without a position (e.g. "a document cannot contain only an alias") carry Mark.Empty.
            if (mark.Equals(Mark.Empty) && parser.DocumentLines.Count > stream.Documents.Count)
            {
                line = parser.DocumentLines[stream.Documents.Count];
            }
            results.Add(new ParsedDocument(
                stream.Documents.Count,
                line,
                null,
                $"line {line}, column {ToInt(mark.Column)}: {syntaxError.Message}"));
        }

        return results;
    }

    /// <summary>
    /// YAML to JSON, used by <see cref="Parse"/> and for <c>$yaml</c> substitutions. Plain scalars follow the
    /// YAML 1.2 core schema (<c>true/false</c> → bool, <c>null</c>/<c>~</c>/empty → null, integers and floats → numbers);
    /// quoted and block scalars are always strings; explicit <c>!!str</c>/<c>!!int</c>/... tags are honoured.
    /// <c>.inf</c>/<c>.nan</c> and out-of-range floats stay strings because JSON cannot hold them.
    /// Sequences become arrays, mappings objects (keys as their scalar text). Merge keys (<c>&lt;&lt;</c>) are
    /// not expanded (YAML 1.2, like Backstage). Throws <see cref="FormatException"/> for non-scalar keys,
    /// duplicate keys, recursive aliases, more than <see cref="MaxNodes"/> nodes or deeper than <see cref="MaxDepth"/>.
    /// </summary>
    public static JsonNode? ToJson(YamlNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return new YamlToJsonConverter().Convert(node, 0);
    }

    /// <summary>
    /// Serializes an entity back to <c>catalog-info.yaml</c> text (for export): block style, keys in the JSON's
    /// order, strings quoted only when they would otherwise read back as another type (YAML 1.2, plus the YAML 1.1
    /// booleans such as <c>yes</c>/<c>on</c> for older readers), multi-line strings as literal blocks.
    /// </summary>
    /// <remarks>
    /// Written with YamlDotNet's <see cref="Emitter"/> rather than its object serializer: the serializer writes
    /// multi-line strings (API definitions) as quoted one-liners, and gives no say over which strings are quoted.
    /// </remarks>
    public static string ToYaml(JsonObject entity)
    {
        ArgumentNullException.ThrowIfNull(entity);

        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        var emitter = new Emitter(writer, EmitterSettings.Default.WithIndentedSequences());
        emitter.Emit(new StreamStart());
        emitter.Emit(new DocumentStart());
        EmitNode(emitter, entity, 0);
        emitter.Emit(new DocumentEnd(true));
        emitter.Emit(new StreamEnd());
        return writer.ToString();
    }

    private static void EmitNode(Emitter emitter, JsonNode? node, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new FormatException($"The entity is nested deeper than {MaxDepth} levels.");
        }

        switch (node)
        {
            case null:
                EmitPlain(emitter, "null");
                break;
            case JsonObject obj:
                emitter.Emit(new MappingStart(AnchorName.Empty, TagName.Empty, true, MappingStyle.Block));
                foreach (var (key, value) in obj)
                {
                    EmitString(emitter, key, isKey: true);
                    EmitNode(emitter, value, depth + 1);
                }
                emitter.Emit(new MappingEnd());
                break;
            case JsonArray array:
                emitter.Emit(new SequenceStart(AnchorName.Empty, TagName.Empty, true, SequenceStyle.Block));
                foreach (var item in array)
                {
                    EmitNode(emitter, item, depth + 1);
                }
                emitter.Emit(new SequenceEnd());
                break;
            case JsonValue value:
                switch (value.GetValueKind())
                {
                    case JsonValueKind.String:
                        EmitString(emitter, StringOf(value), isKey: false);
                        break;
                    case JsonValueKind.True:
                        EmitPlain(emitter, "true");
                        break;
                    case JsonValueKind.False:
                        EmitPlain(emitter, "false");
                        break;
                    case JsonValueKind.Null:
                        EmitPlain(emitter, "null");
                        break;
                    case JsonValueKind.Number:
                        // JSON number text is always a valid YAML 1.2 int or float.
                        EmitPlain(emitter, value.ToJsonString());
                        break;
                    default:
                        EmitString(emitter, value.ToJsonString(), isKey: false);
                        break;
                }
                break;
            default:
                throw new FormatException($"Unsupported JSON node {node?.GetType().Name}.");
        }
    }

    private static string StringOf(JsonValue value)
    {
        if (value.TryGetValue<string>(out var text))
        {
            return text;
        }
        // A value holding e.g. a Guid or DateTime: read it back from its JSON text.
        using var document = JsonDocument.Parse(value.ToJsonString());
        return document.RootElement.GetString() ?? string.Empty;
    }

    private static void EmitPlain(Emitter emitter, string text) =>
        emitter.Emit(new Scalar(AnchorName.Empty, TagName.Empty, text, ScalarStyle.Plain, true, false));

    private static void EmitString(Emitter emitter, string text, bool isKey)
    {
        ScalarStyle style;
        if (NeedsQuotes(text))
        {
            style = ScalarStyle.DoubleQuoted;
        }
        else if (!isKey && text.Contains('\n', StringComparison.Ordinal))
        {
            // The emitter falls back to double quotes when a literal block cannot hold the text exactly.
            style = ScalarStyle.Literal;
        }
        else
        {
            // The emitter still quotes when plain text is impossible (": ", leading "#", leading spaces, ...).
            style = ScalarStyle.Plain;
        }
        emitter.Emit(new Scalar(AnchorName.Empty, TagName.Empty, text, style, style == ScalarStyle.Plain, true));
    }

    /// <summary>A string must be quoted when, written plain, it would read back as null, a bool or a number.</summary>
    private static bool NeedsQuotes(string text) =>
        text.Length == 0
        || ResolvePlain(text) is not JsonValue resolved
        || resolved.GetValueKind() != JsonValueKind.String
        || Yaml11Special().IsMatch(text)
        || SpecialFloat().IsMatch(text);

    /// <summary>Resolves a plain (unquoted, untagged) scalar with the YAML 1.2 core schema.</summary>
    private static JsonValue? ResolvePlain(string text)
    {
        if (NullWord().IsMatch(text))
        {
            return null;
        }
        return ResolveBool(text) ?? ResolveNumber(text) ?? JsonValue.Create(text);
    }

    private static JsonValue? ResolveBool(string text) => text switch
    {
        "true" or "True" or "TRUE" => JsonValue.Create(true),
        "false" or "False" or "FALSE" => JsonValue.Create(false),
        _ => null,
    };

    private static JsonValue? ResolveNumber(string text)
    {
        if (DecimalInteger().IsMatch(text))
        {
            return IntegerValue(BigInteger.Parse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture));
        }
        if (OctalInteger().IsMatch(text))
        {
            return IntegerValue(ParseRadix(text.AsSpan(2), 8));
        }
        if (HexInteger().IsMatch(text))
        {
            return IntegerValue(ParseRadix(text.AsSpan(2), 16));
        }
        if (FloatNumber().IsMatch(text)
            && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
            && double.IsFinite(number))
        {
            return JsonValue.Create(number);
        }
        return null;
    }

    private static BigInteger ParseRadix(ReadOnlySpan<char> digits, int radix)
    {
        var result = BigInteger.Zero;
        foreach (var digit in digits)
        {
            // The callers' patterns guarantee 0-9, a-f or A-F; "| 0x20" folds A-F to a-f.
            var value = digit <= '9' ? digit - '0' : (digit | 0x20) - 'a' + 10;
            result = (result * radix) + value;
        }
        return result;
    }

    private static JsonValue IntegerValue(BigInteger value)
    {
        if (value >= long.MinValue && value <= long.MaxValue)
        {
            return JsonValue.Create((long)value);
        }
        if (value >= new BigInteger(decimal.MinValue) && value <= new BigInteger(decimal.MaxValue))
        {
            return JsonValue.Create((decimal)value);
        }
        return JsonValue.Create((double)value);
    }

    private static int ToInt(long value) => value > int.MaxValue ? int.MaxValue : (int)value;

    private static string Where(YamlNode node) => $"line {ToInt(node.Start.Line)}, column {ToInt(node.Start.Column)}: ";

    [GeneratedRegex(@"^(?:null|Null|NULL|~)?\z")]
    private static partial Regex NullWord();

    [GeneratedRegex(@"^[-+]?[0-9]+\z")]
    private static partial Regex DecimalInteger();

    [GeneratedRegex(@"^0o[0-7]+\z")]
    private static partial Regex OctalInteger();

    [GeneratedRegex(@"^0x[0-9a-fA-F]+\z")]
    private static partial Regex HexInteger();

    [GeneratedRegex(@"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\z")]
    private static partial Regex FloatNumber();

    [GeneratedRegex(@"^(?:[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))\z")]
    private static partial Regex SpecialFloat();

    /// <summary>Plain scalars that YAML 1.1 readers (PyYAML, older tools) would not read as strings.</summary>
    [GeneratedRegex(@"^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF|<<|=|[-+]?0b[01_]+|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])*(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?|[-+]?\.[0-9_]+(?:[eE][-+]?[0-9]+)?|[-+]?0x[0-9a-fA-F_]+|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt ].*)?)\z")]
    private static partial Regex Yaml11Special();

    /// <summary>Converts one YAML node graph; tracks node count and the current path so aliases cannot explode or loop.</summary>
    private sealed class YamlToJsonConverter
    {
        private readonly HashSet<YamlNode> path = new(ReferenceEqualityComparer.Instance);
        private int count;

        public JsonNode? Convert(YamlNode node, int depth)
        {
            if (++count > MaxNodes)
            {
                throw new FormatException($"{Where(node)}the document expands to more than {MaxNodes.ToString("N0", CultureInfo.InvariantCulture)} nodes (too many aliases).");
            }
            if (depth > MaxDepth)
            {
                throw new FormatException($"{Where(node)}the document is nested deeper than {MaxDepth} levels.");
            }

            switch (node)
            {
                case YamlScalarNode scalar:
                    return ConvertScalar(scalar);
                case YamlSequenceNode sequence:
                {
                    Enter(sequence);
                    var array = new JsonArray();
                    foreach (var child in sequence.Children)
                    {
                        array.Add(Convert(child, depth + 1));
                    }
                    path.Remove(sequence);
                    return array;
                }
                case YamlMappingNode mapping:
                {
                    Enter(mapping);
                    var obj = new JsonObject();
                    foreach (var (keyNode, valueNode) in mapping.Children)
                    {
                        if (keyNode is not YamlScalarNode keyScalar)
                        {
                            throw new FormatException($"{Where(keyNode)}mapping keys must be scalars.");
                        }
                        count++; // keys count towards MaxNodes too
                        var key = keyScalar.Value ?? string.Empty;
                        // YamlDotNet rejects equal key nodes; this catches keys that differ only by tag (a and !!str a).
                        if (!obj.TryAdd(key, Convert(valueNode, depth + 1)))
                        {
                            throw new FormatException($"{Where(keyNode)}duplicate key '{key}'.");
                        }
                    }
                    path.Remove(mapping);
                    return obj;
                }
                default:
                    throw new FormatException($"{Where(node)}unsupported YAML node ({node.NodeType}).");
            }
        }

        private void Enter(YamlNode node)
        {
            // YamlDotNet registers an anchor before reading the node's children, so "&a [*a]" is a cycle.
            if (!path.Add(node))
            {
                throw new FormatException($"{Where(node)}an alias refers to a node that contains it.");
            }
        }

        private static JsonValue? ConvertScalar(YamlScalarNode scalar)
        {
            var text = scalar.Value ?? string.Empty;
            var tag = scalar.Tag.IsEmpty ? null : scalar.Tag.Value;
            switch (tag)
            {
                case "!" or YamlTagPrefix + "str":
                    return JsonValue.Create(text);
                case YamlTagPrefix + "null":
                    return null;
                case YamlTagPrefix + "bool":
                    return ResolveBool(text) ?? throw new FormatException($"{Where(scalar)}'{text}' is not a !!bool.");
                case YamlTagPrefix + "int" or YamlTagPrefix + "float":
                    return ResolveNumber(text) ?? throw new FormatException($"{Where(scalar)}'{text}' is not a number.");
            }
            return scalar.Style == ScalarStyle.Plain ? ResolvePlain(text) : JsonValue.Create(text);
        }
    }

    /// <summary>
    /// Sits between YamlDotNet's (iterative) parser and its (recursive) node loader: records where each document starts,
    /// which the loader does not keep, and stops input nested deeper than <see cref="MaxDepth"/> before the loader's
    /// recursion could overflow the stack (a few kilobytes of "[[[[..." would otherwise crash the process).
    /// </summary>
    private sealed class DocumentTrackingParser(Parser inner) : IParser
    {
        private int depth;

        public List<int> DocumentLines { get; } = [];

        public ParsingEvent? Current => inner.Current;

        public bool MoveNext()
        {
            if (!inner.MoveNext())
            {
                return false;
            }
            var current = inner.Current;
            if (current is DocumentStart start)
            {
                DocumentLines.Add(ToInt(start.Start.Line));
            }
            else if (current is SequenceStart or MappingStart)
            {
                if (++depth > MaxDepth)
                {
                    throw new YamlException(current.Start, current.End, $"the document is nested deeper than {MaxDepth} levels.");
                }
            }
            else if (current is SequenceEnd or MappingEnd)
            {
                depth--;
            }
            return true;
        }
    }
}
