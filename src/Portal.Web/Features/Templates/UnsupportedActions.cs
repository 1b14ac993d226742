namespace Portal.Web.Features.Templates;

/// <summary>
/// What a template hears when a step uses an action this portal does not have: the action's name, why (for the Backstage
/// actions people bring most often) and every action that is supported, so the author can change the step.
/// </summary>
public static class UnsupportedActions
{
    private static readonly Dictionary<string, string> Reasons = new(StringComparer.Ordinal)
    {
        ["publish:bitbucket"] = "Bitbucket publishing is not built; use publish:github or publish:git",
        ["publish:bitbucketCloud"] = "Bitbucket publishing is not built; use publish:github or publish:git",
        ["publish:bitbucketServer"] = "Bitbucket publishing is not built; use publish:github or publish:git",
        ["publish:azure"] = "Azure DevOps publishing is not built; use publish:github or publish:git",
        ["publish:gerrit"] = "Gerrit publishing is not built; use publish:github or publish:git",
        ["publish:gitea"] = "Gitea publishing is not built; use publish:github or publish:git",
        ["fetch:cookiecutter"] = "the portal does not run Python generators; use fetch:template with cookiecutterCompat: true",
        ["fetch:rails"] = "the portal does not run Ruby generators; use fetch:template",
        ["github:actions:dispatch"] = "triggering GitHub workflows is not built",
        ["github:webhook"] = "creating GitHub webhooks is not built",
        ["github:repo:create"] = "use publish:github, which creates the repository and pushes it in one step",
        ["github:repo:push"] = "use publish:github, which creates the repository and pushes it in one step",
    };

    /// <summary>The message for a step whose action is not among <paramref name="supported"/>.</summary>
    public static string Message(string stepId, string action, IEnumerable<string> supported)
    {
        var reason = Reasons.TryGetValue(action, out var known) ? $": {known}" : "";
        return $"Step '{stepId}' uses the action '{action}', which this portal does not support{reason}. "
               + $"Supported actions: {string.Join(", ", supported.Order(StringComparer.Ordinal))} (inputs at /create/actions).";
    }

    /// <summary>The Backstage actions with a known reason, for the documentation's table.</summary>
    public static IReadOnlyDictionary<string, string> Known => Reasons;
}
