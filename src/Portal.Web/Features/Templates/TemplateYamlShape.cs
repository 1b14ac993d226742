using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Portal.Web.Features.Templates;

/// <summary>
/// Compares the structure of two YAML texts: the same documents, mappings, lists and scalars in the same order, with
/// the same anchors and tags; what a scalar says does not matter. A template's YAML file rendered with inert values and
/// with the real ones must have the same structure, so a value can fill in a scalar but never add keys or documents.
/// </summary>
public static class TemplateYamlShape
{
    public static bool IsYamlPath(string path) =>
        path.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".yml", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Null when <paramref name="actual"/> has the structure of <paramref name="expected"/> (or when
    /// <paramref name="expected"/> is not YAML itself, so there is no structure to keep); else what differs.
    /// </summary>
    public static string? Difference(string expected, string actual)
    {
        if (Events(expected) is not { } want)
        {
            return null;
        }
        if (Events(actual) is not { } got)
        {
            return "it is no longer valid YAML";
        }
        var documents = (Want: want.Count(e => e is DocumentStart), Got: got.Count(e => e is DocumentStart));
        if (documents.Want != documents.Got)
        {
            return $"{documents.Got} documents instead of {documents.Want}";
        }
        for (var i = 0; i < Math.Min(want.Count, got.Count); i++)
        {
            if (Describe(want[i]) != Describe(got[i]))
            {
                return $"{Describe(got[i])} where the template has {Describe(want[i])}, at line {got[i].Start.Line}";
            }
        }
        return want.Count == got.Count ? null : "a different number of keys or items";
    }

    private static string Describe(ParsingEvent e) => e switch
    {
        Scalar s => "a value" + Decorations(s.Anchor, s.Tag),
        AnchorAlias => "an alias",
        MappingStart m => "a mapping" + Decorations(m.Anchor, m.Tag),
        MappingEnd => "the end of a mapping",
        SequenceStart s => "a list" + Decorations(s.Anchor, s.Tag),
        SequenceEnd => "the end of a list",
        DocumentStart => "a document",
        DocumentEnd => "the end of a document",
        _ => e.GetType().Name,
    };

    private static string Decorations(YamlDotNet.Core.AnchorName anchor, YamlDotNet.Core.TagName tag) =>
        (anchor.IsEmpty ? "" : " with an anchor") + (tag.IsEmpty ? "" : $" tagged {tag}");

    private static List<ParsingEvent>? Events(string text)
    {
        try
        {
            var parser = new Parser(new StringReader(text));
            var events = new List<ParsingEvent>();
            while (parser.MoveNext())
            {
                events.Add(parser.Current!);
            }
            return events;
        }
        catch (YamlException)
        {
            return null;
        }
    }
}
