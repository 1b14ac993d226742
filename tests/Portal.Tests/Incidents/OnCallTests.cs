using Portal.Web.Features.Incidents;

namespace Portal.Tests.Incidents;

/// <summary>Who is on call at an instant, when an unacknowledged incident escalates, and which windows silence an alert.</summary>
public sealed class OnCallTests
{
    private static readonly DateTimeOffset Monday = new(2026, 11, 16, 9, 0, 0, TimeSpan.Zero);

    private static OnCallLayer Weekly(params string[] users) => new("Primary", [.. users], Monday, 168, 5);

    [Fact]
    public void A_weekly_rotation_hands_over_every_monday_at_nine_and_wraps_around()
    {
        var layer = Weekly("ana", "ben", "chen");
        Assert.Equal(("ana", Monday.AddDays(7)), OnCallRotation.OnCallAt(layer, Monday));
        Assert.Equal("ana", OnCallRotation.OnCallAt(layer, Monday.AddDays(7).AddTicks(-1)).User);
        Assert.Equal(("ben", Monday.AddDays(14)), OnCallRotation.OnCallAt(layer, Monday.AddDays(7)));
        Assert.Equal("chen", OnCallRotation.OnCallAt(layer, Monday.AddDays(20)).User);
        Assert.Equal("ana", OnCallRotation.OnCallAt(layer, Monday.AddDays(21)).User);
    }

    [Fact]
    public void Before_the_rotation_starts_the_turns_count_backwards_instead_of_failing()
    {
        var layer = Weekly("ana", "ben", "chen");
        Assert.Equal(("chen", Monday), OnCallRotation.OnCallAt(layer, Monday.AddHours(-1)));
        Assert.Equal("ben", OnCallRotation.OnCallAt(layer, Monday.AddDays(-8)).User);
    }

    [Fact]
    public void An_unacknowledged_incident_escalates_once_the_layers_delay_has_passed_and_never_past_the_last_layer()
    {
        IReadOnlyList<OnCallLayer> layers = [Weekly("ana"), new("Secondary", ["ben"], Monday, 24, 10), new("Manager", ["chen"], Monday, 24, 30)];
        var paged = Monday.AddHours(1);
        Assert.Null(OnCallRotation.EscalationDue(IncidentLifecycle.Triggered, 0, paged, layers, paged.AddMinutes(5).AddSeconds(-1)));
        Assert.Equal(1, OnCallRotation.EscalationDue(IncidentLifecycle.Triggered, 0, paged, layers, paged.AddMinutes(5)));
        // The second layer's own delay (10 minutes) counts from when it was paged.
        Assert.Null(OnCallRotation.EscalationDue(IncidentLifecycle.Triggered, 1, paged.AddMinutes(5), layers, paged.AddMinutes(14)));
        Assert.Equal(2, OnCallRotation.EscalationDue(IncidentLifecycle.Triggered, 1, paged.AddMinutes(5), layers, paged.AddMinutes(15)));
        Assert.Null(OnCallRotation.EscalationDue(IncidentLifecycle.Triggered, 2, paged, layers, paged.AddDays(1)));
        Assert.Null(OnCallRotation.EscalationDue(IncidentLifecycle.Acknowledged, 0, paged, layers, paged.AddDays(1)));
        Assert.Null(OnCallRotation.EscalationDue(IncidentLifecycle.Triggered, 0, null, layers, paged.AddDays(1)));
    }

    [Fact]
    public void A_schedule_with_missing_or_out_of_range_fields_is_refused_field_by_field()
    {
        var problems = OnCallRotation.Problems("Payments Primary", new OnCallScheduleRequest("payments",
            [new OnCallLayerRequest("", [], null, 0, 2000), null]));
        Assert.Equal(["layers[0].escalateAfterMinutes", "layers[0].handoffHours", "layers[0].name", "layers[0].rotationStart", "layers[0].users", "layers[1]", "name", "team"],
            problems.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("layers", OnCallRotation.Problems("ok", new OnCallScheduleRequest("group:default/payments", null)).Keys);
        Assert.Contains("layers", OnCallRotation.Problems("ok", new OnCallScheduleRequest("group:default/payments",
            [.. Enumerable.Repeat<OnCallLayerRequest?>(new OnCallLayerRequest("L", ["ana"], Monday, 24, 5), 11)])).Keys);
        Assert.Empty(OnCallRotation.Problems("payments-primary", new OnCallScheduleRequest("group:default/payments", [new OnCallLayerRequest("L", ["ana"], Monday, 24, 5)])));
    }

    [Fact]
    public void A_window_covers_its_component_its_teams_components_or_everything_from_its_start_until_just_before_its_end()
    {
        var start = Monday;
        MaintenanceWindow Window(string? component, string? team) => new()
        {
            ComponentRef = component, Team = team, StartsAt = start, EndsAt = start.AddHours(1), Reason = "db upgrade", CreatedBy = "ana",
        };
        const string gateway = "component:default/payment-gateway", payments = "group:default/payments";
        Assert.True(MaintenanceRules.Covers(Window(gateway, null), gateway, payments, start));
        Assert.False(MaintenanceRules.Covers(Window(gateway, null), "component:default/refund-service", payments, start));
        Assert.True(MaintenanceRules.Covers(Window(null, "group:default/PAYMENTS"), "component:default/refund-service", payments, start.AddMinutes(59)));
        Assert.False(MaintenanceRules.Covers(Window(null, payments), "component:default/order-service", "group:default/checkout", start));
        Assert.True(MaintenanceRules.Covers(Window(null, null), "component:default/order-service", null, start));
        Assert.False(MaintenanceRules.Covers(Window(null, null), gateway, payments, start.AddHours(1)));
        Assert.False(MaintenanceRules.Covers(Window(null, null), gateway, payments, start.AddTicks(-1)));
    }

    [Fact]
    public void A_window_that_ends_before_it_starts_lasts_over_a_month_or_names_a_component_and_a_team_is_refused()
    {
        var request = new MaintenanceRequest("payment-gateway", "group:default/payments", null, null, 30, "");
        var problems = MaintenanceRules.Problems(request, Monday, Monday, Monday);
        Assert.Equal(["component", "endsAt", "reason"], problems.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("A window lasts at most 31 days.",
            Assert.Single(MaintenanceRules.Problems(request with { Team = null, Reason = "x" }, Monday, Monday.AddDays(32), Monday)["endsAt"]));
        Assert.Empty(MaintenanceRules.Problems(request with { Team = null, Reason = "x" }, Monday, Monday.AddHours(2), Monday));
    }
}
