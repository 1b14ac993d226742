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

    [Fact]
    public void An_override_covers_its_range_and_shortens_the_rotations_turn_before_it()
    {
        // ana's week; chen covers Wednesday 12:00 to Thursday 12:00, then ben covers an hour inside it.
        var layer = new OnCallLayer("Primary", ["ana", "ben"], Monday, 168, 5,
            [new OnCallOverride("chen", Monday.AddDays(2).AddHours(12), Monday.AddDays(3).AddHours(12)),
             new OnCallOverride("ben", Monday.AddDays(3), Monday.AddDays(3).AddHours(1))]);
        Assert.Equal(("ana", Monday.AddDays(2).AddHours(12)), OnCallRotation.OnCallAt(layer, Monday.AddDays(1)));
        Assert.Equal(("chen", Monday.AddDays(3).AddHours(12)), OnCallRotation.OnCallAt(layer, Monday.AddDays(2).AddHours(12)));
        Assert.Equal(("ben", Monday.AddDays(3).AddHours(1)), OnCallRotation.OnCallAt(layer, Monday.AddDays(3).AddMinutes(30)));
        Assert.Equal("chen", OnCallRotation.OnCallAt(layer, Monday.AddDays(3).AddHours(1)).User);
        Assert.Equal(("ana", Monday.AddDays(7)), OnCallRotation.OnCallAt(layer, Monday.AddDays(3).AddHours(12)));
    }

    [Fact]
    public void Paging_and_escalation_page_the_overriding_person()
    {
        var schedule = new OnCallSchedule
        {
            Name = "payments-oncall", Team = "group:default/payments", UpdatedBy = "ana",
            Layers = [new OnCallLayer("Primary", ["ana"], Monday, 168, 5, [new OnCallOverride("dana", Monday.AddHours(1), Monday.AddHours(2))]),
                      new OnCallLayer("Secondary", ["chen"], Monday, 168, 15, [new OnCallOverride("erik", Monday.AddHours(1), Monday.AddHours(3))])],
        };
        var incident = new Incident { Title = "t", ComponentRef = "component:default/x", Severity = "page", TriggeredAt = Monday.AddHours(1) };
        OnCallQueries.Page(incident, schedule, 0, Monday.AddHours(1));
        Assert.Equal("dana", incident.OnCall);
        var next = OnCallRotation.EscalationDue(incident.Status, incident.EscalationLevel, incident.PagedAt, schedule.Layers, Monday.AddHours(1).AddMinutes(5));
        OnCallQueries.Page(incident, schedule, next!.Value, Monday.AddHours(1).AddMinutes(5));
        Assert.Equal(("erik", 1), (incident.OnCall, incident.EscalationLevel));
    }

    [Fact]
    public void Overrides_are_checked_field_by_field()
    {
        var problems = OnCallRotation.Problems("payments-primary", new OnCallScheduleRequest("group:default/payments",
            [new OnCallLayerRequest("L", ["ana"], Monday, 24, 5, [new OnCallOverrideRequest("", Monday, Monday.AddDays(1)),
                new OnCallOverrideRequest("ben", Monday.AddDays(1), Monday), new OnCallOverrideRequest("ben", Monday, Monday.AddDays(91)), null])]));
        Assert.Equal(["layers[0].overrides[0].user", "layers[0].overrides[1]", "layers[0].overrides[2]", "layers[0].overrides[3]", "layers[0].overrides[3].user"],
            problems.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Yaml_export_imports_back_to_the_same_layers_and_overrides()
    {
        var schedule = new OnCallSchedule
        {
            Name = "payments-oncall", Team = "group:default/payments", UpdatedBy = "ana",
            Layers = [new OnCallLayer("Primary", ["ana.silva", "ben.okafor"], Monday, 168, 5, [new OnCallOverride("chen.wei", Monday.AddDays(2), Monday.AddDays(3))]),
                      new OnCallLayer("Secondary", ["chen.wei"], Monday.ToOffset(TimeSpan.FromHours(1)), 24, 15)],
        };
        var yaml = OnCallScheduleYaml.Export(schedule);
        Assert.Contains("rotationStart: 2026-11-16T09:00:00Z", yaml, StringComparison.Ordinal);
        var (request, problems) = OnCallScheduleYaml.Import(yaml);
        Assert.Empty(problems);
        Assert.Empty(OnCallRotation.Problems("payments-oncall", request!));
        var layers = OnCallRotation.Layers(request!);
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(schedule.Layers), System.Text.Json.JsonSerializer.Serialize(layers));
    }

    [Theory]
    [InlineData("team: group:default/payments\nlayers:\n  - name: [unclosed\n", "Line 3")]
    [InlineData("team: group:default/payments\nlayers:\n  - name: P\n    handoffHours: weekly\n", "Line 4")]
    [InlineData("team: group:default/payments\nlayers:\n  - name: P\n    colour: red\n", "Line 4")]
    public void Yaml_that_cannot_be_read_names_its_line(string yaml, string line)
    {
        var (request, problems) = OnCallScheduleYaml.Import(yaml);
        Assert.Null(request);
        Assert.StartsWith(line, Assert.Single(problems["yaml"]), StringComparison.Ordinal);
    }

    [Fact]
    public void Yaml_instants_without_an_offset_are_refused_by_field()
    {
        var (_, problems) = OnCallScheduleYaml.Import("team: group:default/payments\nlayers:\n  - name: P\n    users: [ana]\n    rotationStart: 2026-11-16 09:00\n    handoffHours: 24\n    escalateAfterMinutes: 5\n");
        Assert.Contains("ISO 8601", Assert.Single(problems["layers[0].rotationStart"]), StringComparison.Ordinal);
    }
}
