namespace Portal.Web.Features.Identity;

/// <summary>What to do with a state-changing request that a session cookie authenticates.</summary>
public enum CrossOriginVerdict
{
    /// <summary>The browser says it comes from the portal's own pages.</summary>
    Allow,

    /// <summary>No browser signal at all (a script with a cookie jar): only a valid antiforgery token lets it through.</summary>
    NeedsAntiforgeryToken,

    /// <summary>The browser says it comes from another origin.</summary>
    Refuse,
}

/// <summary>
/// Cross-site request forgery defence for cookie sessions (pure). Browsers mark every request with
/// <c>Sec-Fetch-Site</c> and every POST/PUT/PATCH/DELETE with <c>Origin</c>; a page on another origin
/// (another port or subdomain of the same site included) can set neither. Bearer-token calls never get here.
/// </summary>
public static class CrossOriginRule
{
    public static bool ChangesState(string method) =>
        !(HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) || HttpMethods.IsTrace(method));

    /// <param name="secFetchSite">The <c>Sec-Fetch-Site</c> header, if any.</param>
    /// <param name="origin">The <c>Origin</c> header, if any.</param>
    /// <param name="ownOrigin">The portal's origin as this request reached it (<c>scheme://host[:port]</c>).</param>
    /// <param name="trustedOrigins">Further origins that count as the portal's own (Portal:Identity:TrustedOrigins).</param>
    public static (CrossOriginVerdict Verdict, string Reason) Decide(string? secFetchSite, string? origin, string ownOrigin, IReadOnlyCollection<string> trustedOrigins)
    {
        if (!string.IsNullOrEmpty(secFetchSite))
        {
            // "none" is a request the person started themselves (address bar, bookmark); no page can send it.
            return secFetchSite.Trim().ToLowerInvariant() is "same-origin" or "none"
                ? (CrossOriginVerdict.Allow, "")
                : (CrossOriginVerdict.Refuse, $"The request came from another site or origin (Sec-Fetch-Site: {secFetchSite.Trim()}); " +
                    "changes with a signed-in session are accepted only from the portal's own pages. Scripts use an API token.");
        }
        if (!string.IsNullOrEmpty(origin))
        {
            var normalized = origin.Trim().TrimEnd('/');
            return string.Equals(normalized, ownOrigin, StringComparison.OrdinalIgnoreCase)
                || trustedOrigins.Any(t => string.Equals(normalized, t.Trim().TrimEnd('/'), StringComparison.OrdinalIgnoreCase))
                ? (CrossOriginVerdict.Allow, "")
                : (CrossOriginVerdict.Refuse, $"The request came from another origin ({Printable(normalized)}); " +
                    "changes with a signed-in session are accepted only from the portal's own pages. Scripts use an API token.");
        }
        return (CrossOriginVerdict.NeedsAntiforgeryToken, "A change with a signed-in session needs an antiforgery token or a same-origin " +
            "Origin or Sec-Fetch-Site header (browsers send them). Scripts use an API token.");
    }

    /// <summary>A configured trusted origin: <c>http(s)://host[:port]</c>, nothing after it.</summary>
    public static bool IsOrigin(string value) =>
        Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.AbsolutePath == "/"
        && uri.Query.Length == 0 && uri.Fragment.Length == 0 && uri.UserInfo.Length == 0
        && value.Trim().TrimEnd('/').Equals(uri.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase);

    private static string Printable(string value) =>
        value.Length > 100 || value.Any(char.IsControl) ? new string(value.Take(100).Select(c => char.IsControl(c) ? '?' : c).ToArray()) : value;
}
