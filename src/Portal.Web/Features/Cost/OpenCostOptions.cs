namespace Portal.Web.Features.Cost;

public sealed class OpenCostOptions
{
    public const string Section = "Portal:Cost:OpenCost";

    /// <summary>Base URL of the OpenCost API (e.g. http://opencost.opencost:9003); empty means OpenCost is not read.</summary>
    public string? Url { get; set; }

    /// <summary>The cluster's name, kept as the billing account of its allocations.</summary>
    public string Cluster { get; set; } = "local";

    /// <summary>How many days back each pull covers (allocations are read per day, and each day replaces itself).</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 90)]
    public int Days { get; set; } = 3;
}
