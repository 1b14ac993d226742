using System.ComponentModel.DataAnnotations;

namespace Portal.Web.Infrastructure.Notifications;

public sealed class NotificationOptions
{
    public const string Section = "Portal:Notifications";

    /// <summary>Where notifications are POSTed; empty means none are sent.</summary>
    public string? WebhookUrl { get; set; }

    /// <summary>"json" (the portal's own body) or "slack" (a Slack incoming-webhook body: {"text": ...}).</summary>
    [RegularExpression("^(json|slack)$")] public string Format { get; set; } = "json";

    /// <summary>The portal's public address, for links in messages.</summary>
    public string? PublicUrl { get; set; }
}
