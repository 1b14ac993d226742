using Portal.Web.Features.Delivery;
using Portal.Web.Features.Environments;
using Portal.Web.Features.Incidents;

namespace Portal.Tests.Incidents;

/// <summary>Which deploys and environment changes an incident's timeline takes, how they read, and where they fall among the incident's own lines.</summary>
public sealed class IncidentChangesTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 20, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_window_starts_two_hours_before_the_incident_and_ends_with_its_resolution_inclusive_or_never_while_open()
    {
        Assert.Equal((At.AddHours(-2), At.AddMinutes(30).AddTicks(1)), IncidentChanges.Window(At, At.AddMinutes(30)));
        Assert.Equal((At.AddHours(-2), DateTimeOffset.MaxValue), IncidentChanges.Window(At, null));
    }

    [Fact]
    public void The_affected_components_are_the_component_then_its_dependents_once_each()
    {
        Assert.Equal(["component:default/a", "component:default/b"],
            IncidentChanges.Affected("component:default/a", ["component:default/b", "component:default/a", "component:default/b"]));
    }

    [Fact]
    public void Deploys_and_rollbacks_read_as_what_happened_with_who_did_it()
    {
        var deploy = IncidentChanges.Entry(new ComponentDeployment("component:default/orders-api", "prod", "1.4.2", "succeeded", false, At, "release-bot", null));
        Assert.Equal((At, "deploy", "release-bot", "Deployed orders-api 1.4.2 to prod: succeeded."), (deploy.At, deploy.Kind, deploy.Actor, deploy.Text));

        var rollback = IncidentChanges.Entry(new ComponentDeployment("component:default/orders-api", "prod", "1.4.1", "succeeded", true, At, null, null));
        Assert.Equal(("delivery", "Rolled back orders-api in prod to 1.4.1: succeeded."), (rollback.Actor, rollback.Text));
    }

    [Fact]
    public void Environment_changes_read_as_the_move_with_its_comment_cut_to_300_characters()
    {
        var requested = IncidentChanges.Entry(new EnvironmentChange(Guid.NewGuid(), "orders-dev", "component:default/orders-api", "small", null, "Requested", At, "ana.silva", null));
        Assert.Equal(("environment", "ana.silva", "Environment orders-dev (small) of orders-api requested."), (requested.Kind, requested.Actor, requested.Text));

        var failed = IncidentChanges.Entry(new EnvironmentChange(Guid.NewGuid(), "orders-dev", "component:default/orders-api", "small", "Provisioning", "Failed", At,
            "system", new string('x', 400)));
        Assert.StartsWith("Environment orders-dev of orders-api: Provisioning → Failed. xxx", failed.Text, StringComparison.Ordinal);
        Assert.EndsWith("x…", failed.Text, StringComparison.Ordinal);
        Assert.Equal("Environment orders-dev of orders-api: Provisioning → Failed. ".Length + 301, failed.Text.Length);
    }

    [Fact]
    public void Changes_fall_in_time_order_among_the_incidents_lines_which_come_first_at_the_same_instant()
    {
        IncidentTimelineEntry Line(int minute, string kind) => new(At.AddMinutes(minute), kind, "x", kind + minute);
        var own = new[] { Line(0, "triggered"), Line(0, "paged"), Line(10, "acknowledged") };
        var changes = new[] { Line(10, "deploy"), Line(-30, "deploy"), Line(5, "environment") };

        var merged = IncidentChanges.Merge(own, changes);

        Assert.Equal(["deploy-30", "triggered0", "paged0", "environment5", "acknowledged10", "deploy10"], merged.Select(e => e.Text));
    }
}
