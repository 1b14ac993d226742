using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Portal.Web.Features.Templates.PortalApi;

/// <summary>
/// What a template may ask of the portal's own API (<c>http:backstage:request</c>, <c>SelectFieldFromApi</c>): a path
/// under <c>/api/</c> and nothing that could leave it. Absolute and protocol-relative URLs, <c>..</c> and <c>.</c> in
/// any encoding, backslashes and control characters are refused with the reason; so are headers that carry identity or
/// routing (the call always acts as the person who started it, on this portal).
/// </summary>
public static class PortalApiPath
{
    public const int MaxLength = 2048;
    public const int MaxHeaders = 32;
    public const int MaxHeaderValueLength = 4096;

    public static readonly IReadOnlyList<string> Methods = ["GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"];

    private static readonly HashSet<string> ForbiddenHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Authorization", "Proxy-Authorization", "Cookie", "Host", "Forwarded", "X-Real-IP", "Origin", "Referer", "Connection",
        "Transfer-Encoding", "Content-Length", "TE", "Upgrade", "Expect", "Keep-Alive",
    };

    private static readonly string[] ForbiddenHeaderPrefixes = ["X-Forwarded-", "Sec-", "Proxy-"];

    /// <summary>
    /// The API path and query of <paramref name="raw"/>, or <paramref name="error"/>. A Backstage-style path relative to
    /// the API root (<c>/catalog/entities</c>, <c>catalog/entity-facets</c>) means the same under <c>/api/</c>.
    /// </summary>
    public static (string Path, string Query)? Parse(string? raw, out string? error)
    {
        error = null;
        if (string.IsNullOrWhiteSpace(raw))
        {
            error = "the path is empty; give a path of the portal's API such as /api/catalog/entities.";
            return null;
        }
        if (raw.Length > MaxLength)
        {
            error = $"the path is longer than {MaxLength} characters.";
            return null;
        }
        if (raw.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
        {
            error = "the path contains spaces or control characters.";
            return null;
        }
        if (raw.Contains("://", StringComparison.Ordinal) || raw.StartsWith("//", StringComparison.Ordinal) || raw.Contains('\\'))
        {
            error = $"'{Shorten(raw)}' is not a path of the portal's API: only the portal's own API can be called (a path such as /api/catalog/entities), never a URL or another host.";
            return null;
        }
        if (raw.Contains('#'))
        {
            error = "the path contains '#'; a fragment means nothing to the API.";
            return null;
        }
        var question = raw.IndexOf('?');
        var path = question < 0 ? raw : raw[..question];
        var query = question < 0 ? "" : raw[(question + 1)..];
        if (!path.StartsWith('/'))
        {
            path = "/" + path;
        }
        // Decode until stable (a few rounds at most), then judge what the server would see.
        var decoded = path;
        for (var round = 0; ; round++)
        {
            string next;
            try
            {
                next = Uri.UnescapeDataString(decoded);
            }
            catch (UriFormatException)
            {
                error = "the path has a broken %-encoding.";
                return null;
            }
            if (next == decoded)
            {
                break;
            }
            if (round == 3)
            {
                error = "the path is %-encoded more than three times over.";
                return null;
            }
            decoded = next;
        }
        if (decoded.Any(char.IsControl) || decoded.Contains('\\') || decoded.Contains('?') || decoded.Contains('#'))
        {
            error = "the path contains an encoded backslash, '?', '#' or control character.";
            return null;
        }
        if (decoded.Contains("//", StringComparison.Ordinal))
        {
            error = $"'{Shorten(raw)}' is not a path of the portal's API (an empty segment, in some encoding).";
            return null;
        }
        var segments = decoded.Split('/');
        if (segments.Any(s => s is "." or ".."))
        {
            error = $"'{Shorten(raw)}' contains '.' or '..' (in some encoding); name the API path directly.";
            return null;
        }
        if (!decoded.StartsWith("/api/", StringComparison.OrdinalIgnoreCase))
        {
            decoded = "/api" + decoded;
        }
        return (decoded, query);
    }

    /// <summary>Why a header may not be sent, or null.</summary>
    public static string? HeaderProblem(string name, string value)
    {
        if (name.Length == 0 || name.Length > 100 || !name.All(c => c < 127 && (char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c))))
        {
            return $"'{Shorten(name)}' is not a valid header name.";
        }
        if (ForbiddenHeaders.Contains(name) || ForbiddenHeaderPrefixes.Any(p => name.StartsWith(p, StringComparison.OrdinalIgnoreCase)))
        {
            return $"the header '{name}' cannot be set: the call always acts as the person who started the run, on this portal.";
        }
        if (value.Length > MaxHeaderValueLength)
        {
            return $"the header '{name}' is longer than {MaxHeaderValueLength} characters.";
        }
        if (value.Any(c => c is '\r' or '\n' or '\0' || (char.IsControl(c) && c != '\t')))
        {
            return $"the header '{name}' contains a line break or control character.";
        }
        return null;
    }

    /// <summary>
    /// The query string of <paramref name="query"/> (already in the path) with <paramref name="parameters"/> added:
    /// strings, numbers and booleans; a list adds the name once per item.
    /// </summary>
    public static string Query(string query, JsonObject? parameters, out string? error)
    {
        error = null;
        var builder = new StringBuilder(query);
        foreach (var (name, node) in parameters ?? [])
        {
            IEnumerable<JsonNode?> items = node is JsonArray array ? array : new[] { node };
            foreach (var item in items)
            {
                if (item is JsonObject or JsonArray)
                {
                    error = $"the parameter '{name}' must be a string, number, boolean or list of them.";
                    return "";
                }
                var text = item is null ? "" : item.GetValueKind() == JsonValueKind.String ? item.GetValue<string>() : item.ToJsonString();
                if (builder.Length > 0)
                {
                    builder.Append('&');
                }
                builder.Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(text));
            }
        }
        if (builder.Length > MaxLength)
        {
            error = $"the query string is longer than {MaxLength} characters.";
            return "";
        }
        return builder.ToString();
    }

    private static string Shorten(string text) => text.Length > 80 ? text[..80] + "…" : text;
}
