namespace Portal.Web.Features.Cost;

public sealed class CostOptions
{
    public const string Section = "Portal:Cost";

    /// <summary>A folder billing exports are dropped into (e.g. synced from an S3 bucket); empty means none is watched.</summary>
    public string? WatchFolder { get; set; }

    /// <summary>How often the folder is looked at.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 1440)]
    public int WatchIntervalMinutes { get; set; } = 5;
}
