using System.Text;
using System.Text.Json.Nodes;

namespace Portal.Web.Infrastructure.Hosting;

/// <summary>
/// Text PostgreSQL can store: <c>text</c> and <c>jsonb</c> refuse the NUL character, and UTF-8 has no encoding for a
/// lone UTF-16 surrogate. Such text is refused where it comes in (a 400, or a problem on one entity), so it never
/// reaches the database as a 500 that takes a whole request or a whole location down with it.
/// </summary>
public static class StorableText
{
    /// <summary>Why the text cannot be stored, or null when it can.</summary>
    public static string? Problem(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\0')
            {
                return "a NUL character (\\u0000)";
            }
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }
            if (char.IsSurrogate(c))
            {
                return $"an unpaired surrogate (\\u{(int)c:x4})";
            }
        }
        return null;
    }

    /// <summary>
    /// The first property name or string value in a JSON tree that cannot be stored, as a sentence naming where it is
    /// (e.g. <c>metadata.description contains a NUL character (\u0000), which cannot be stored</c>); null when all can.
    /// </summary>
    public static string? FindIn(JsonNode? node, string path = "")
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, child) in obj)
                {
                    var at = path.Length == 0 ? key : $"{path}.{key}";
                    if (Problem(key) is { } keyProblem)
                    {
                        return $"A property name under {(path.Length == 0 ? "the top level" : path)} contains {keyProblem}, which cannot be stored.";
                    }
                    if (FindIn(child, at) is { } found)
                    {
                        return found;
                    }
                }
                return null;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (FindIn(array[i], $"{path}[{i}]") is { } found)
                    {
                        return found;
                    }
                }
                return null;
            case JsonValue value:
                string? text;
                try
                {
                    value.TryGetValue(out text);
                }
                catch (InvalidOperationException)
                {
                    // A JSON value read with an escaped lone surrogate cannot even become a .NET string.
                    return $"{Named(path)} contains an unpaired surrogate, which cannot be stored.";
                }
                return text is not null && Problem(text) is { } problem ? $"{Named(path)} contains {problem}, which cannot be stored." : null;
            default:
                return null;
        }
    }

    /// <summary>The text with each NUL and lone surrogate replaced by U+FFFD, for messages that quote what they refused.</summary>
    public static string Clean(string text)
    {
        if (Problem(text) is null)
        {
            return text;
        }
        var builder = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                builder.Append(c).Append(text[++i]);
            }
            else
            {
                builder.Append(c == '\0' || char.IsSurrogate(c) ? '\uFFFD' : c);
            }
        }
        return builder.ToString();
    }

    private static string Named(string path) => path.Length == 0 ? "The value" : path;
}
