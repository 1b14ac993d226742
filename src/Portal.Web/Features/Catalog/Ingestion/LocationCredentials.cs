using System.Text;
using System.Text.RegularExpressions;

namespace Portal.Web.Features.Catalog.Ingestion;

/// <summary>
/// Secrets stay out of locations: a target with credentials in it (<c>https://user:token@host/repo.git</c>) is refused,
/// because the target is stored, listed in the API and UI, audited and logged. Tokens are configured per host instead
/// (<c>Portal:Catalog:GitCredentials</c>) and reach git through its environment, never its command line.
/// </summary>
public static partial class LocationCredentials
{
    /// <summary>Why the target cannot be registered, or null when it carries no credentials. The message never repeats the secret.</summary>
    public static string? Problem(string target)
    {
        var redacted = Redact(target);
        return redacted == target ? null
            : $"The target {redacted} has credentials in it; locations are listed to every catalog reader, so the portal does not store them. "
              + "Register the URL without them and configure a token for its host in Portal:Catalog:GitCredentials.";
    }

    /// <summary>
    /// <c>scheme://user:secret@host</c> becomes <c>scheme://user:***@host</c>; in http(s) URLs a lone user part is hidden too,
    /// as hosts take a token there (<c>https://TOKEN@github.com/...</c>).
    /// </summary>
    public static string Redact(string text) =>
        LoneHttpUser().Replace(UserAndSecret().Replace(text, "${scheme}${user}:***@"), "${scheme}***@");

    /// <summary>The environment that gives git the configured token for the repository's host, or null when none is configured.</summary>
    public static Dictionary<string, string>? GitEnvironment(string repository, IEnumerable<GitCredential> credentials)
    {
        if (!Uri.TryCreate(repository, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps)
        {
            return null;
        }
        var credential = credentials.FirstOrDefault(c => string.Equals(c.Host, uri.Host, StringComparison.OrdinalIgnoreCase) && c.Token.Length > 0);
        if (credential is null)
        {
            return null;
        }
        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credential.Username}:{credential.Token}"));
        // Scoped to the host, so a redirect or submodule elsewhere does not receive the token.
        return new Dictionary<string, string>
        {
            ["GIT_CONFIG_COUNT"] = "1",
            ["GIT_CONFIG_KEY_0"] = $"http.https://{uri.Authority}/.extraHeader",
            ["GIT_CONFIG_VALUE_0"] = "Authorization: Basic " + basic,
        };
    }

    [GeneratedRegex(@"(?<scheme>[A-Za-z][A-Za-z0-9+.-]*://)(?<user>[^/@:\s]*):[^/@\s]*@")]
    private static partial Regex UserAndSecret();

    [GeneratedRegex(@"(?<scheme>https?://)(?!\*\*\*@)[^/@:\s]+@", RegexOptions.IgnoreCase)]
    private static partial Regex LoneHttpUser();
}
