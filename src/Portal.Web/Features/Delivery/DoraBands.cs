namespace Portal.Web.Features.Delivery;

/// <summary>
/// DORA's performance bands (elite, high, medium, low), with the thresholds of the 2023 Accelerate State of DevOps
/// report: deploying at least daily / weekly / monthly; lead time under a day / a week / a month; change failure rate
/// up to 5 / 10 / 15 %; restoring within an hour / a day / a week. Null without data.
/// </summary>
public static class DoraBands
{
    public const string Elite = "elite";
    public const string High = "high";
    public const string Medium = "medium";
    public const string Low = "low";

    public static string? DeploymentFrequency(double? perDay) => perDay switch
    {
        null => null,
        >= 1 => Elite,
        >= 1.0 / 7 => High,
        >= 1.0 / 30 => Medium,
        _ => Low,
    };

    public static string? LeadTime(double? hours) => hours switch
    {
        null => null,
        < 24 => Elite,
        < 24 * 7 => High,
        < 24 * 30 => Medium,
        _ => Low,
    };

    public static string? ChangeFailureRate(double? rate) => rate switch
    {
        null => null,
        <= 0.05 => Elite,
        <= 0.10 => High,
        <= 0.15 => Medium,
        _ => Low,
    };

    public static string? TimeToRestore(double? hours) => hours switch
    {
        null => null,
        < 1 => Elite,
        < 24 => High,
        < 24 * 7 => Medium,
        _ => Low,
    };
}
