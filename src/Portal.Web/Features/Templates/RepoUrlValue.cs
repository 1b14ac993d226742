using System.Text.RegularExpressions;

namespace Portal.Web.Features.Templates;

/// <summary>
/// The value of a <c>RepoUrlPicker</c> field, as Backstage writes it: <c>host?owner=o&amp;repo=r</c>. The form edits
/// its three parts; the server checks the whole with <c>ui:options.allowedHosts</c> and <c>allowedOwners</c>.
/// </summary>
public static partial class RepoUrlValue
{
    public sealed record Parts(string Host, string Owner, string Repo);

    public static string Compose(string? host, string? owner, string? repo) =>
        $"{host?.Trim()}?owner={Uri.EscapeDataString(owner?.Trim() ?? "")}&repo={Uri.EscapeDataString(repo?.Trim() ?? "")}";

    /// <summary>The parts of a value, or null when it is not <c>host?...</c>; a missing part is empty.</summary>
    public static Parts? Parse(string? value)
    {
        if (string.IsNullOrEmpty(value) || value.IndexOf('?', StringComparison.Ordinal) is var q && q < 0)
        {
            return null;
        }
        var query = value[(q + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .GroupBy(p => p[0], StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => Uri.UnescapeDataString(g.First().ElementAtOrDefault(1) ?? ""), StringComparer.Ordinal);
        return new Parts(value[..q], query.GetValueOrDefault("owner") ?? query.GetValueOrDefault("organization") ?? "", query.GetValueOrDefault("repo") ?? "");
    }

    /// <summary>What is wrong with the value, or null.</summary>
    public static string? Problem(string title, string value, IReadOnlyList<string>? allowedHosts, IReadOnlyList<string>? allowedOwners)
    {
        if (Parse(value) is not { } parts)
        {
            return $"{title} must name a host, an owner and a repository (host?owner=o&repo=r).";
        }
        if (parts.Host.Length == 0)
        {
            return $"{title}: choose a host.";
        }
        if (allowedHosts is { Count: > 0 } && !allowedHosts.Contains(parts.Host, StringComparer.OrdinalIgnoreCase))
        {
            return $"{title}: the host must be {string.Join(" or ", allowedHosts)}, not '{parts.Host}'.";
        }
        if (!HostName().IsMatch(parts.Host))
        {
            return $"{title}: '{parts.Host}' is not a host name.";
        }
        if (parts.Owner.Length == 0)
        {
            return $"{title}: the owner is required.";
        }
        if (allowedOwners is { Count: > 0 } && !allowedOwners.Contains(parts.Owner, StringComparer.Ordinal))
        {
            return $"{title}: the owner must be {string.Join(" or ", allowedOwners)}, not '{parts.Owner}'.";
        }
        if (parts.Repo.Length == 0)
        {
            return $"{title}: the repository name is required.";
        }
        foreach (var (what, name) in new[] { ("owner", parts.Owner), ("repository name", parts.Repo) })
        {
            if (!SafeName().IsMatch(name) || name.EndsWith(".git", StringComparison.OrdinalIgnoreCase))
            {
                return $"{title}: the {what} '{name}' may only use letters, digits, '.', '-' and '_' (not starting with '.', not ending in .git).";
            }
        }
        return null;
    }

    [GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9._-]{0,99}$")]
    private static partial Regex SafeName();

    [GeneratedRegex(@"^[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*(:[0-9]{1,5})?$")]
    private static partial Regex HostName();
}
