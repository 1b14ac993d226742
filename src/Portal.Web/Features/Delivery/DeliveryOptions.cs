using System.ComponentModel.DataAnnotations;

namespace Portal.Web.Features.Delivery;

public sealed class DeliveryOptions
{
    public const string Section = "Portal:Delivery";

    /// <summary>Environment names that count as production for the DORA figures (compared case-insensitively).</summary>
    [Required, MinLength(1)] public string[] ProductionEnvironments { get; set; } = ["prod", "production"];

    /// <summary>A production deployment followed by a rollback that starts within this many hours counts as a failed change.</summary>
    [Range(1, 24 * 30)] public int RollbackWindowHours { get; set; } = 24;

    /// <summary>
    /// Up to this many production deployments in a team's or the organisation's period, the figures are computed exactly
    /// from the events (medians included); above it they are summed from the per-day rollup over whole UTC days, with
    /// medians from its histograms (within 4.4 %, docs/delivery.md). A component's figures are always exact.
    /// </summary>
    [Range(0, 1_000_000)] public int ExactFiguresMaxDeployments { get; set; } = 5000;

    /// <summary>
    /// The catalog component the portal measures itself as (its own SLOs, M1), shown as the platform's availability on
    /// /insights; the same name as Portal:Slo:SelfServiceName.
    /// </summary>
    [Required, MaxLength(200)] public string PlatformComponent { get; set; } = "portal";

    /// <summary>Secrets of the GitHub and GitLab webhooks.</summary>
    [Required] public DeliveryWebhookOptions Webhooks { get; set; } = new();
}

/// <summary>
/// The shared secrets webhooks are checked with: GitHub signs the body with one (<c>X-Hub-Signature-256</c>), GitLab
/// sends it (<c>X-Gitlab-Token</c>). A component's own secret, when set, is the only one accepted for that component;
/// otherwise the global one is. With neither, webhooks are refused.
/// </summary>
public sealed class DeliveryWebhookOptions
{
    public string? Secret { get; set; }

    /// <summary>By component name (e.g. <c>order-service</c>) or full ref (<c>component:default/order-service</c>).</summary>
    public Dictionary<string, string> ComponentSecrets { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}
