namespace Portal.Web.Features.Slo;

public static class AlertStates
{
    /// <summary>The condition held at one evaluation; it fires if it still holds at the next.</summary>
    public const string Pending = "pending";
    public const string Firing = "firing";
    public const string Resolved = "resolved";
}
