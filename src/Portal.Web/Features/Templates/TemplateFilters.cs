using Portal.Web.Features.Catalog;

namespace Portal.Web.Features.Templates;

/// <summary>The filters Backstage adds to Nunjucks, as plain functions.</summary>
public static class TemplateFilters
{
    /// <summary><c>github.com?owner=o&amp;repo=r</c> into its parts (host, owner, repo, organization, workspace, project).</summary>
    public static Dictionary<string, object?> ParseRepoUrl(string repoUrl)
    {
        var question = repoUrl.IndexOf('?', StringComparison.Ordinal);
        if (question <= 0)
        {
            throw new TemplateRenderException($"'{repoUrl}' is not a repository URL of the form host?owner=name&repo=name.");
        }
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(repoUrl[(question + 1)..]);
        string? Get(string key) => query.TryGetValue(key, out var v) && !string.IsNullOrEmpty(v.ToString()) ? v.ToString() : null;
        var repo = Get("repo") ?? throw new TemplateRenderException($"The repository URL '{repoUrl}' has no repo.");
        return new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["host"] = repoUrl[..question],
            ["owner"] = Get("owner"),
            ["repo"] = repo,
            ["organization"] = Get("organization"),
            ["workspace"] = Get("workspace"),
            ["project"] = Get("project"),
        };
    }

    /// <summary>
    /// <c>kind:namespace/name</c> into kind, namespace and name. Backstage's options fill in what the reference leaves
    /// out: <c>defaultKind</c>, and <c>defaultNamespace</c> (else <c>default</c>).
    /// </summary>
    public static Dictionary<string, object?> ParseEntityRef(string reference, string? defaultKind = null, string? defaultNamespace = null)
    {
        if (string.IsNullOrWhiteSpace(reference))
        {
            throw new TemplateRenderException("parseEntityRef was given an empty entity reference.");
        }
        var parsed = EntityRef.Parse(reference, defaultKind: "-", defaultNamespace: string.IsNullOrEmpty(defaultNamespace) ? EntityRef.DefaultNamespace : defaultNamespace);
        return new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["kind"] = parsed.Kind == "-" ? (string.IsNullOrEmpty(defaultKind) ? null : defaultKind) : parsed.Kind,
            ["namespace"] = parsed.Namespace,
            ["name"] = parsed.Name,
        };
    }
}
