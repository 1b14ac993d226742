using Portal.Web.Features.Incidents.Pages;

namespace Portal.Tests.Incidents;

/// <summary>The incident page shows names for the refs and paged users in stored timeline lines: the split must find them all, and only them.</summary>
public sealed class IncidentTextTests
{
    [Fact]
    public void Dependents_line_splits_into_each_ref_without_the_full_stop()
    {
        var segments = IncidentText.Split("Opened by the page alert. Dependents: component:default/order-service, component:default/web.shop.");
        Assert.Equal(
        [
            new IncidentText.Segment("Opened by the page alert. Dependents: ", null),
            new IncidentText.Segment("component:default/order-service", "component:default/order-service"),
            new IncidentText.Segment(", ", null),
            new IncidentText.Segment("component:default/web.shop", "component:default/web.shop"),
            new IncidentText.Segment(".", null),
        ], segments);
    }

    [Fact]
    public void Paged_and_escalated_lines_name_the_user_as_a_user_ref()
    {
        Assert.Equal(
        [
            new IncidentText.Segment("Paged ", null),
            new IncidentText.Segment("ana.silva", "user:default/ana.silva"),
            new IncidentText.Segment(", on call in layer 'primary' of schedule payments.", null),
        ], IncidentText.Split("Paged ana.silva, on call in layer 'primary' of schedule payments."));
        var escalated = IncidentText.Split("Not acknowledged within 15 minutes: escalated to layer 'secondary' of schedule payments, paged ben.okafor.");
        Assert.Equal("user:default/ben.okafor", Assert.Single(escalated, s => s.Ref is not null).Ref);
        Assert.Equal(".", escalated[^1].Text);
    }

    [Theory]
    [InlineData("Deployed payment-gateway 7.0.0 to prod: succeeded.")]
    [InlineData("Ticked 'notify' on the checklist.")]
    [InlineData("Paged by hand: see the ticket.")]
    [InlineData("")]
    public void Lines_without_refs_stay_one_plain_run(string text)
    {
        var segments = IncidentText.Split(text);
        Assert.All(segments, s => Assert.Null(s.Ref));
        Assert.Equal(text, string.Concat(segments.Select(s => s.Text)));
    }
}
