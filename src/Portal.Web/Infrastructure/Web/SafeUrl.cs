namespace Portal.Web.Infrastructure.Web;

/// <summary>
/// Which URLs may become a link's href anywhere in the portal: web pages, mail, relative paths, and (where a page asks
/// for it) file:// repositories. Never javascript:, vbscript:, data: or any other scheme a browser would run or render.
/// </summary>
public static class SafeUrl
{
    public static bool IsSafe(string? url, bool allowFile = false)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            return true;
        }
        // Browsers drop tabs and line breaks inside a scheme ("java\tscript:"), so anything with control characters is refused.
        if (url.Any(char.IsControl))
        {
            return false;
        }
        var text = url.Trim();
        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && !text.StartsWith('/'))
        {
            return uri.Scheme is "http" or "https" or "mailto" || allowFile && uri.Scheme == "file";
        }
        // A relative URL has no scheme: no colon before the first slash, question mark or hash.
        var end = text.IndexOfAny(['/', '?', '#']);
        return !(end < 0 ? text : text[..end]).Contains(':', StringComparison.Ordinal);
    }

    /// <summary>The URL when it is safe, else null (show no link).</summary>
    public static string? OrNull(string? url, bool allowFile = false) => !string.IsNullOrWhiteSpace(url) && IsSafe(url, allowFile) ? url : null;
}
