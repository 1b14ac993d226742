using System.Globalization;
using Portal.Web.Features.Catalog;
using Portal.Web.Features.Identity;

namespace Portal.Web.Features.Delivery;

/// <summary>
/// What makes a delivery event acceptable, as pure functions: every problem is reported under the name of its field,
/// so a CI script's author sees what to fix, and an event is stored whole or not at all.
/// </summary>
public static class DeliveryEventRules
{
    /// <summary>The component's full ref (<c>order-service</c> becomes <c>component:default/order-service</c>), or null when it names another kind or nothing.</summary>
    public static string? ComponentRefOf(string? component)
    {
        if (string.IsNullOrWhiteSpace(component) || component.Length > 400)
        {
            return null;
        }
        try
        {
            var parsed = EntityRef.Parse(component, defaultKind: CatalogKinds.Component);
            return string.Equals(parsed.Kind, CatalogKinds.Component, StringComparison.OrdinalIgnoreCase) ? parsed.ToString() : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    public static Dictionary<string, string[]> Validate(BuildEvent e)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        Component(errors, e.Component);
        Required(errors, "pipeline", e.Pipeline, DeliveryLimits.Name, "the pipeline's or workflow's name, e.g. 'ci'");
        Required(errors, "runId", e.RunId, DeliveryLimits.RunId, "the CI run's id, the same on every retry of the run");
        Sha(errors, "commitSha", e.CommitSha, required: true);
        Optional(errors, "branch", e.Branch, DeliveryLimits.Name);
        Status(errors, e.Status);
        if (e.StartedAt is null)
        {
            errors["startedAt"] = ["Give the time the run started (ISO 8601 with an offset, e.g. 2026-12-06T08:00:00Z)."];
        }
        Times(errors, e.Status, e.StartedAt, e.FinishedAt);
        Url(errors, e.Url);
        return errors;
    }

    public static Dictionary<string, string[]> Validate(DeploymentEvent e)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        Component(errors, e.Component);
        Required(errors, "environment", e.Environment, DeliveryLimits.Name, "the environment deployed to, e.g. 'prod'");
        Required(errors, "runId", e.RunId, DeliveryLimits.RunId, "the deployment run's id, the same on every retry");
        Optional(errors, "version", e.Version, DeliveryLimits.Name);
        Optional(errors, "deployedBy", e.DeployedBy, DeliveryLimits.Name);
        var commits = e.Commits ?? [];
        if (commits.Count > DeliveryLimits.Commits)
        {
            errors["commits"] = [$"At most {DeliveryLimits.Commits} commits per deployment."];
        }
        for (var i = 0; i < Math.Min(commits.Count, DeliveryLimits.Commits); i++)
        {
            if (commits[i] is null)
            {
                errors[$"commits[{i}]"] = ["A commit is an object with 'sha' and 'committedAt'."];
                continue;
            }
            Sha(errors, $"commits[{i}].sha", commits[i].Sha, required: true);
        }
        Sha(errors, "commitSha", e.CommitSha, required: commits.Count == 0);
        Status(errors, e.Status);
        Times(errors, e.Status, e.StartedAt, e.FinishedAt);
        Url(errors, e.Url);
        return errors;
    }

    /// <summary>
    /// Whether the caller may send events for this component: a token limited to components must name it, and a
    /// personal token acts for its person, who must belong to the owning team (or be an admin). Service tokens are
    /// issued by admins for automation and act for any component they are not limited from.
    /// </summary>
    public static bool MaySend(AccessFacts who, IReadOnlyCollection<string> limitedTo, string componentRef, string? owner)
    {
        if (limitedTo.Count > 0 && !limitedTo.Any(s => string.Equals(ComponentRefOf(s), componentRef, StringComparison.Ordinal)))
        {
            return false;
        }
        return who.IsAdmin || who.UserId is null || AccessRules.CanChangeOwnedBy(who, owner);
    }

    public static string Normalize(string value) => value.Trim();

    public static string NormalizeSha(string sha) => sha.Trim().ToLowerInvariant();

    private static void Component(Dictionary<string, string[]> errors, string? component)
    {
        if (ComponentRefOf(component) is null)
        {
            errors["component"] = ["Name the catalog component, e.g. 'order-service' or 'component:default/order-service'."];
        }
    }

    private static void Required(Dictionary<string, string[]> errors, string field, string? value, int max, string what)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors[field] = [$"Give {what}."];
        }
        else if (value.Trim().Length > max)
        {
            errors[field] = [$"At most {max} characters."];
        }
    }

    private static void Optional(Dictionary<string, string[]> errors, string field, string? value, int max)
    {
        if (value is not null && value.Trim().Length > max)
        {
            errors[field] = [$"At most {max} characters."];
        }
    }

    private static void Sha(Dictionary<string, string[]> errors, string field, string? sha, bool required)
    {
        if (string.IsNullOrWhiteSpace(sha))
        {
            if (required)
            {
                errors[field] = ["Give the commit's full or abbreviated id (7 to 64 hexadecimal characters)."];
            }
            return;
        }
        var text = sha.Trim();
        if (text.Length is < 7 or > DeliveryLimits.Sha || !text.All(char.IsAsciiHexDigit))
        {
            errors[field] = [$"'{Shorten(text)}' is not a commit id: 7 to 64 hexadecimal characters."];
        }
    }

    private static void Status(Dictionary<string, string[]> errors, string? status)
    {
        if (string.IsNullOrWhiteSpace(status) || !DeliveryStatuses.All.Contains(status.Trim().ToLowerInvariant()))
        {
            errors["status"] = [$"Status is one of {string.Join(", ", DeliveryStatuses.All)}."];
        }
    }

    private static void Times(Dictionary<string, string[]> errors, string? status, DateTimeOffset? started, DateTimeOffset? finished)
    {
        var finishedStatus = status is not null && DeliveryStatuses.IsFinished(status.Trim().ToLowerInvariant());
        if (finishedStatus && finished is null)
        {
            errors["finishedAt"] = [$"A run that is {status!.Trim().ToLowerInvariant()} needs the time it finished."];
        }
        else if (!finishedStatus && finished is not null && status is not null && DeliveryStatuses.All.Contains(status.Trim().ToLowerInvariant()))
        {
            errors["finishedAt"] = ["A running run has no finish time yet; send it again when it has finished."];
        }
        else if (started is { } s && finished is { } f && f < s)
        {
            errors["finishedAt"] = [$"finishedAt ({f.ToString("O", CultureInfo.InvariantCulture)}) is before startedAt."];
        }
    }

    private static void Url(Dictionary<string, string[]> errors, string? url)
    {
        if (url is null)
        {
            return;
        }
        if (url.Length > DeliveryLimits.Url || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            errors["url"] = ["The run's page: an absolute http or https URL of at most 2000 characters."];
        }
    }

    private static string Shorten(string text) => text.Length <= 20 ? text : text[..20] + "…";
}
