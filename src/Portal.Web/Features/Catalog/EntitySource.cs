using Portal.Web.Features.Catalog.Ingestion;
using Portal.Web.Infrastructure.Web;

namespace Portal.Web.Features.Catalog;

/// <summary>Where an entity's descriptor lives, as people know it: the file in its repository, not the portal's cache folder.</summary>
public sealed record EntitySourceLink(string Text, string? Href);

/// <summary>
/// Turns an entity's stored source (a path in the portal's git checkout, a URL, or a server file) into what the entity
/// page shows: for git, the repository and the file's path in it, linked to the file on GitHub, GitLab or Bitbucket
/// (other hosts have no known file URL, so no link is guessed); for url locations the URL; for files the path.
/// </summary>
public static class EntitySource
{
    public static EntitySourceLink? Describe(string? source, string? locationType, string? target, string? branch, string gitCacheRoot)
    {
        if (string.IsNullOrWhiteSpace(source))
        {
            return null;
        }
        switch (locationType)
        {
            case "git" when target is not null:
                var relative = Path.GetRelativePath(GitMirror.CheckoutPath(target, branch, gitCacheRoot), source).Replace('\\', '/');
                if (relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative))
                {
                    return new EntitySourceLink(LocationCredentials.Redact(target), null);
                }
                var repository = WebAddress(target);
                return new EntitySourceLink($"{repository ?? LocationCredentials.Redact(target)} · {relative}", repository is null ? null : FileUrl(repository, branch, relative));
            case "url":
                var shown = LocationCredentials.Redact(source);
                return new EntitySourceLink(shown, SafeUrl.OrNull(shown));
            default:
                return new EntitySourceLink(source, null);
        }
    }

    /// <summary>The repository's web address from its clone URL (https or scp-like ssh), without credentials or ".git"; null if it has none.</summary>
    public static string? WebAddress(string cloneUrl)
    {
        var text = cloneUrl.Trim();
        if (text.StartsWith("git@", StringComparison.Ordinal) && text.IndexOf(':', StringComparison.Ordinal) is var colon and > 4)
        {
            text = $"https://{text[4..colon]}/{text[(colon + 1)..]}";
        }
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
        {
            return null;
        }
        var path = uri.AbsolutePath.TrimEnd('/');
        if (path.EndsWith(".git", StringComparison.OrdinalIgnoreCase))
        {
            path = path[..^4];
        }
        return $"{uri.Scheme}://{uri.Authority}{path}";
    }

    private static string? FileUrl(string repository, string? branch, string relative)
    {
        var host = new Uri(repository).Host.ToLowerInvariant();
        var reference = Uri.EscapeDataString(string.IsNullOrWhiteSpace(branch) ? "HEAD" : branch);
        var file = string.Join('/', relative.Split('/').Select(Uri.EscapeDataString));
        if (host == "github.com" || host.StartsWith("github.", StringComparison.Ordinal))
        {
            return $"{repository}/blob/{reference}/{file}";
        }
        if (host == "gitlab.com" || host.StartsWith("gitlab.", StringComparison.Ordinal))
        {
            return $"{repository}/-/blob/{reference}/{file}";
        }
        return host == "bitbucket.org" ? $"{repository}/src/{reference}/{file}" : null;
    }
}
