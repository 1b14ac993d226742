using Portal.Web.Features.Incidents;

namespace Portal.Tests.Incidents;

/// <summary>The postmortem draft carries the incident's facts and timeline; the metrics average what was measured, per team, service and week.</summary>
public sealed class IncidentReportTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 20, 10, 0, 0, TimeSpan.Zero); // a Friday

    [Fact]
    public void The_postmortem_draft_has_the_facts_the_dependents_every_timeline_line_and_owned_action_items_due_in_two_weeks()
    {
        var view = new IncidentView(Guid.NewGuid(), "gateway | availability", "component:default/payment-gateway", "group:default/payments", null, "gateway-availability",
            "page", IncidentLifecycle.Resolved, "https://runbooks.example/gw", At, At.AddMinutes(7), "ana.silva", null, At.AddMinutes(30), "ana.silva", 420, 1800,
            [new(At, "triggered", "system", "Opened by the page-1h-5m alert."), new(At.AddMinutes(5), "escalated", "system", "Escalated to layer 'Secondary',\npaged ben.")],
            "ben.okafor", 1, ["component:default/order-service", "component:default/refund-service"], IncidentChecklist.Of([]), false);
        var markdown = IncidentPostmortem.Draft(view);
        Assert.StartsWith("# Postmortem: gateway \\| availability\n", markdown.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("| Acknowledged | 2026-11-20 10:07:00 by ana.silva (7 min to acknowledge) |", markdown, StringComparison.Ordinal);
        Assert.Contains("| Resolved | 2026-11-20 10:30:00 by ana.silva (30 min to resolve) |", markdown, StringComparison.Ordinal);
        Assert.Contains("- Dependents (from the catalog): component:default/order-service, component:default/refund-service", markdown, StringComparison.Ordinal);
        Assert.Contains("| 2026-11-20 10:00:00 | system | Opened by the page-1h-5m alert. |", markdown, StringComparison.Ordinal);
        // A line break inside a timeline text would end the table row.
        Assert.Contains("| 2026-11-20 10:05:00 | system | Escalated to layer 'Secondary', paged ben. |", markdown, StringComparison.Ordinal);
        Assert.Contains("| Fix the root cause | group:default/payments | 2026-12-04 |", markdown, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(45L, "45 s")]
    [InlineData(120L, "2 min")]
    [InlineData(125L, "2 min 5 s")]
    [InlineData(3900L, "1 h 5 min")]
    public void Durations_read_as_people_say_them(long seconds, string expected) => Assert.Equal(expected, IncidentPostmortem.Duration(seconds));

    [Fact]
    public void Metrics_average_the_measured_times_per_team_service_and_iso_week_and_count_postmortems_done_among_resolved()
    {
        Incident Make(string component, DateTimeOffset at, long? ack, long? resolve, params string[] done) => new()
        {
            Title = "t", ComponentRef = component, Severity = "page", TriggeredAt = at, SecondsToAcknowledge = ack, SecondsToResolve = resolve,
            Status = resolve is null ? IncidentLifecycle.Triggered : IncidentLifecycle.Resolved, ChecklistDone = [.. done],
        };
        var incidents = new List<(Incident, string?)>
        {
            (Make("component:default/payment-gateway", At, 60, 600, "postmortem"), "group:default/payments"),
            (Make("component:default/payment-gateway", At.AddDays(3), 180, 1200), "group:default/payments"),   // Monday: the next week
            (Make("component:default/order-service", At.AddDays(3), null, null), "group:default/checkout"),
            (Make("component:default/order-service", At.AddDays(-40), 1, 1), "group:default/checkout"),         // before the range
        };
        var metrics = IncidentMetrics.Compute(incidents, At.AddDays(-30), At.AddDays(30));
        Assert.Equal(new IncidentFigures("all", 3, 120, 900), metrics.All);
        Assert.Equal([new IncidentFigures("group:default/checkout", 1, null, null), new IncidentFigures("group:default/payments", 2, 120, 900)], metrics.Teams);
        Assert.Equal(["component:default/order-service", "component:default/payment-gateway"], metrics.Services.Select(s => s.Key));
        Assert.Equal([new IncidentWeek(new DateOnly(2026, 11, 16), 1), new IncidentWeek(new DateOnly(2026, 11, 23), 2)], metrics.Weeks);
        Assert.Equal(0.5, metrics.PostmortemCompletion);
    }
}
