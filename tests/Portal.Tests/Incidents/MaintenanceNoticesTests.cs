using Portal.Web.Features.Incidents;

namespace Portal.Tests.Incidents;

/// <summary>Which maintenance windows a component's pages show: covering it now or within a week, in force first.</summary>
public sealed class MaintenanceNoticesTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);
    private const string Orders = "component:default/orders-api";

    private static MaintenanceWindow Window(string reason, int startHours, int endHours, string? component = null, string? team = null) => new()
    {
        Reason = reason, CreatedBy = "x", ComponentRef = component, Team = team, StartsAt = Now.AddHours(startHours), EndsAt = Now.AddHours(endHours),
    };

    [Fact]
    public void Its_own_its_teams_and_global_windows_now_or_within_a_week_in_force_first()
    {
        var windows = new[]
        {
            Window("team planned", 48, 50, team: "group:default/payments"),
            Window("own now", -1, 1, component: Orders),
            Window("global planned", 24, 25),
            Window("other component now", -1, 1, component: "component:default/cart"),
            Window("other team planned", 24, 25, team: "group:default/checkout"),
            Window("own over", -3, 0, component: Orders),
            Window("own in eight days", 8 * 24, 8 * 24 + 1, component: Orders),
        };

        var shown = MaintenanceNotices.Relevant(windows, Orders, "group:default/payments", Now);

        Assert.Equal(["own now", "global planned", "team planned"], shown.Select(w => w.Reason));
    }

    [Fact]
    public void The_scope_reads_as_what_the_window_covers()
    {
        Assert.Equal("this component", MaintenanceNotices.Scope(Window("", 0, 1, component: Orders)));
        Assert.Equal("team payments", MaintenanceNotices.Scope(Window("", 0, 1, team: "group:default/payments")));
        Assert.Equal("every component", MaintenanceNotices.Scope(Window("", 0, 1)));
    }
}
