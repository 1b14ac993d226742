namespace Portal.Web.Features.Delivery;

/// <summary>Size limits of delivery events: each field's longest accepted value, and the largest body.</summary>
public static class DeliveryLimits
{
    public const int RunId = 200;
    public const int Name = 200;
    public const int Sha = 64;
    public const int Url = 2000;
    public const int Commits = 1000;

    /// <summary>An event body (GitHub's workflow_run payloads are about 20 kB; this leaves room without letting anyone fill memory).</summary>
    public const long MaxBodyBytes = 1024 * 1024;
}
