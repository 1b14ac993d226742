namespace Portal.Web.Features.Delivery;

/// <summary>What a CI webhook payload means: a build, a deployment, or nothing to record (and why), or the payload field that is wrong.</summary>
public sealed record WebhookEvent(BuildEvent? Build, DeploymentEvent? Deployment, string? Ignored, IReadOnlyDictionary<string, string[]>? Errors)
{
    public static WebhookEvent Of(BuildEvent build) => new(build, null, null, null);
    public static WebhookEvent Of(DeploymentEvent deployment) => new(null, deployment, null, null);
    public static WebhookEvent Ignore(string why) => new(null, null, why, null);
    public static WebhookEvent Invalid(string field, string message) => new(null, null, null, new Dictionary<string, string[]> { [field] = [message] });
}
