namespace Portal.Web.Features.Delivery;

/// <summary>The statuses a build or a deployment is stored with (webhooks map their own vocabularies onto these).</summary>
public static class DeliveryStatuses
{
    public const string Running = "running";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";

    public static readonly string[] All = [Running, Succeeded, Failed, Cancelled];

    /// <summary>Finished runs: their time and outcome count in the figures.</summary>
    public static bool IsFinished(string status) => status is Succeeded or Failed or Cancelled;
}
