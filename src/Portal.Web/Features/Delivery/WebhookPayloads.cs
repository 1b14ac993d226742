using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Portal.Web.Features.Delivery;

/// <summary>
/// GitHub's <c>workflow_run</c> and <c>deployment_status</c> and GitLab's pipeline and deployment webhooks, turned into
/// the portal's build and deployment events (pure: no I/O). Run ids are the CI's own (GitHub's run id, GitLab's
/// pipeline id), so a webhook and a CI step that posts the same run are one build, not two.
/// </summary>
public static class WebhookPayloads
{
    /// <summary>GitHub's <c>X-Hub-Signature-256</c>: <c>sha256=</c> and the hex HMAC-SHA256 of the raw body under the secret, compared in constant time.</summary>
    public static bool GitHubSignatureValid(ReadOnlySpan<byte> body, string? header, string secret)
    {
        const string prefix = "sha256=";
        if (header is null || !header.StartsWith(prefix, StringComparison.Ordinal) || header.Length != prefix.Length + 64)
        {
            return false;
        }
        byte[] given;
        try
        {
            given = Convert.FromHexString(header.AsSpan(prefix.Length));
        }
        catch (FormatException)
        {
            return false;
        }
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body);
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }

    /// <summary>GitLab's <c>X-Gitlab-Token</c>: the secret itself, compared in constant time.</summary>
    public static bool GitLabTokenValid(string? header, string secret) =>
        header is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(header), Encoding.UTF8.GetBytes(secret));

    /// <summary>The repository's (GitHub) or project's (GitLab) short name: the component name used when the hook's URL names none.</summary>
    public static string? RepositoryName(JsonElement root) =>
        Text(root, "project", "path_with_namespace") is { } path ? path[(path.LastIndexOf('/') + 1)..] : Text(root, "repository", "name");

    /// <summary>A GitHub event by its <c>X-GitHub-Event</c> name.</summary>
    public static WebhookEvent FromGitHub(string? eventName, JsonElement root, string component) => eventName switch
    {
        "ping" => WebhookEvent.Ignore("ping: the hook is set up"),
        "workflow_run" => GitHubWorkflowRun(root, component),
        "deployment_status" => GitHubDeploymentStatus(root, component),
        _ => WebhookEvent.Ignore($"the event '{eventName}' is not one the portal records (workflow_run, deployment_status)"),
    };

    /// <summary>A GitLab event by its <c>object_kind</c> (the <c>X-Gitlab-Event</c> header says the same in words).</summary>
    public static WebhookEvent FromGitLab(JsonElement root, string component) => Text(root, "object_kind") switch
    {
        "pipeline" => GitLabPipeline(root, component),
        "deployment" => GitLabDeployment(root, component),
        var kind => WebhookEvent.Ignore($"the event '{kind}' is not one the portal records (pipeline, deployment)"),
    };

    private static WebhookEvent GitHubWorkflowRun(JsonElement root, string component)
    {
        if (!root.TryGetProperty("workflow_run", out var run) || run.ValueKind != JsonValueKind.Object)
        {
            return WebhookEvent.Invalid("workflow_run", "A workflow_run event carries a 'workflow_run' object.");
        }
        var completed = Text(run, "status") == "completed";
        string? status = !completed ? DeliveryStatuses.Running : Text(run, "conclusion") switch
        {
            "success" => DeliveryStatuses.Succeeded,
            "failure" or "timed_out" or "startup_failure" => DeliveryStatuses.Failed,
            "cancelled" => DeliveryStatuses.Cancelled,
            _ => null,
        };
        if (status is null)
        {
            return WebhookEvent.Ignore($"a run that ended '{Text(run, "conclusion")}' is neither a success nor a failure");
        }
        var pipeline = NonEmpty(Text(root, "workflow", "name")) ?? NonEmpty(Text(run, "name")) ?? Text(run, "path");
        if (Id(run, "id") is not { } id)
        {
            return WebhookEvent.Invalid("workflow_run.id", "The run has no id.");
        }
        return WebhookEvent.Of(new BuildEvent(component, pipeline, id, Text(run, "head_sha"), Text(run, "head_branch"), status,
            Time(run, "run_started_at") ?? Time(run, "created_at"), completed ? Time(run, "updated_at") : null, Text(run, "html_url")));
    }

    private static WebhookEvent GitHubDeploymentStatus(JsonElement root, string component)
    {
        if (!root.TryGetProperty("deployment_status", out var state) || !root.TryGetProperty("deployment", out var deployment))
        {
            return WebhookEvent.Invalid("deployment_status", "A deployment_status event carries 'deployment_status' and 'deployment' objects.");
        }
        var status = Text(state, "state") switch
        {
            "success" => DeliveryStatuses.Succeeded,
            "failure" or "error" => DeliveryStatuses.Failed,
            "pending" or "queued" or "in_progress" => DeliveryStatuses.Running,
            _ => null,
        };
        if (status is null)
        {
            return WebhookEvent.Ignore($"the state '{Text(state, "state")}' does not start or end a deployment");
        }
        if (Id(deployment, "id") is not { } id)
        {
            return WebhookEvent.Invalid("deployment.id", "The deployment has no id.");
        }
        var rollback = deployment.TryGetProperty("payload", out var payload) && payload.ValueKind == JsonValueKind.Object
            && payload.TryGetProperty("rollback", out var flag) && flag.ValueKind == JsonValueKind.True;
        var url = NonEmpty(Text(state, "log_url")) ?? NonEmpty(Text(state, "target_url")) ?? NonEmpty(Text(state, "environment_url"));
        return WebhookEvent.Of(new DeploymentEvent(component, NonEmpty(Text(state, "environment")) ?? Text(deployment, "environment"), id,
            Text(deployment, "ref"), Text(deployment, "sha"), null, status, rollback, Time(deployment, "created_at"),
            DeliveryStatuses.IsFinished(status) ? Time(state, "created_at") : null, url, Text(deployment, "creator", "login")));
    }

    private static WebhookEvent GitLabPipeline(JsonElement root, string component)
    {
        if (!root.TryGetProperty("object_attributes", out var pipeline) || pipeline.ValueKind != JsonValueKind.Object)
        {
            return WebhookEvent.Invalid("object_attributes", "A pipeline event carries an 'object_attributes' object.");
        }
        var status = Text(pipeline, "status") switch
        {
            "success" => DeliveryStatuses.Succeeded,
            "failed" => DeliveryStatuses.Failed,
            "canceled" or "canceling" => DeliveryStatuses.Cancelled,
            "created" or "waiting_for_resource" or "preparing" or "pending" or "running" or "scheduled" => DeliveryStatuses.Running,
            _ => null,
        };
        if (status is null)
        {
            return WebhookEvent.Ignore($"a pipeline '{Text(pipeline, "status")}' is neither running nor finished");
        }
        if (Id(pipeline, "id") is not { } id)
        {
            return WebhookEvent.Invalid("object_attributes.id", "The pipeline has no id.");
        }
        var started = GitLabTime(pipeline, "created_at", out var startError);
        var finished = GitLabTime(pipeline, "finished_at", out var finishError);
        if (startError is not null)
        {
            return WebhookEvent.Invalid("object_attributes.created_at", startError);
        }
        if (finishError is not null)
        {
            return WebhookEvent.Invalid("object_attributes.finished_at", finishError);
        }
        var branch = pipeline.TryGetProperty("tag", out var tag) && tag.ValueKind == JsonValueKind.True ? null : Text(pipeline, "ref");
        return WebhookEvent.Of(new BuildEvent(component, NonEmpty(Text(pipeline, "name")) ?? "pipeline", id, Text(pipeline, "sha"), branch, status,
            started, DeliveryStatuses.IsFinished(status) ? finished ?? started : null, Text(pipeline, "url")));
    }

    private static WebhookEvent GitLabDeployment(JsonElement root, string component)
    {
        var status = Text(root, "status") switch
        {
            "success" => DeliveryStatuses.Succeeded,
            "failed" => DeliveryStatuses.Failed,
            "canceled" => DeliveryStatuses.Cancelled,
            "created" or "running" => DeliveryStatuses.Running,
            _ => null,
        };
        if (status is null)
        {
            return WebhookEvent.Ignore($"a deployment '{Text(root, "status")}' is neither running nor finished");
        }
        if (Id(root, "deployment_id") is not { } id)
        {
            return WebhookEvent.Invalid("deployment_id", "The deployment has no id.");
        }
        var changed = GitLabTime(root, "status_changed_at", out var error);
        if (error is not null)
        {
            return WebhookEvent.Invalid("status_changed_at", error);
        }
        // The payload names the commit by URL (its last segment is the full id) and by its short id.
        var commitUrl = Text(root, "commit_url");
        var sha = commitUrl is not null && commitUrl.LastIndexOf('/') is var slash and >= 0 && commitUrl[(slash + 1)..] is { Length: 40 } full
            ? full : Text(root, "short_sha");
        var url = NonEmpty(Text(root, "deployable_url")) ?? NonEmpty(Text(root, "environment_external_url"));
        return WebhookEvent.Of(new DeploymentEvent(component, Text(root, "environment"), id, null, sha, null, status, false,
            null, DeliveryStatuses.IsFinished(status) ? changed : null, url, Text(root, "user", "username")));
    }

    /// <summary>GitLab writes times as "2016-08-12 15:23:28 UTC" or "2021-04-28 21:50:00 +0200" (and sometimes ISO 8601).</summary>
    public static DateTimeOffset? ParseGitLabTime(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        var value = text.Trim();
        if (value.EndsWith(" UTC", StringComparison.Ordinal))
        {
            value = value[..^4] + " +00:00";
        }
        else if (value.Length > 5 && value[^5] is '+' or '-' && value[^6] == ' ' && value[^4..].All(char.IsAsciiDigit))
        {
            value = value[..^2] + ":" + value[^2..];
        }
        return DateTimeOffset.TryParseExact(value, "yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture, DateTimeStyles.None, out var exact) ? exact
            : DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var iso) ? iso
            : throw new FormatException($"'{text}' is not a time.");
    }

    private static DateTimeOffset? GitLabTime(JsonElement element, string name, out string? error)
    {
        error = null;
        try
        {
            return ParseGitLabTime(Text(element, name));
        }
        catch (FormatException ex)
        {
            error = ex.Message;
            return null;
        }
    }

    private static DateTimeOffset? Time(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.TryGetDateTimeOffset(out var time) ? time : null;

    private static string? Id(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) ? value.ValueKind switch
        {
            JsonValueKind.Number => value.GetRawText(),
            JsonValueKind.String => NonEmpty(value.GetString()),
            _ => null,
        } : null;

    private static string? Text(JsonElement element, params string[] path)
    {
        foreach (var name in path)
        {
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out element))
            {
                return null;
            }
        }
        return element.ValueKind == JsonValueKind.String ? element.GetString() : null;
    }

    private static string? NonEmpty(string? text) => string.IsNullOrWhiteSpace(text) ? null : text;
}
