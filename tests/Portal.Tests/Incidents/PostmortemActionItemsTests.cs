using Portal.Web.Features.Incidents;

namespace Portal.Tests.Incidents;

/// <summary>The page edits the postmortem's action items one by one; splitting the Markdown and joining it back must lose nothing.</summary>
public sealed class PostmortemActionItemsTests
{
    private const string Markdown = """
        # Postmortem: gateway

        ## Root cause

        The pool ran dry.

        ## Action items

        Agreed at the review.

        | Action | Owner | Due |
        | --- | --- | --- |
        | Fix the pool \| and alert on it | ana.silva | 2026-12-20 |
        | Update the runbook | group:default/payments |  |

        ## Appendix

        Graphs.
        """;

    [Fact]
    public void Split_takes_the_table_rows_as_items_and_keeps_the_other_sections_and_prose()
    {
        var (body, items) = PostmortemActionItems.Split(Markdown);
        Assert.Equal([new("Fix the pool | and alert on it", "ana.silva", new DateOnly(2026, 12, 20)), new("Update the runbook", "group:default/payments", null)], items);
        Assert.DoesNotContain("| Action |", body, StringComparison.Ordinal);
        Assert.DoesNotContain("## Action items", body, StringComparison.Ordinal);
        Assert.Contains("The pool ran dry.", body, StringComparison.Ordinal);
        Assert.Contains("Agreed at the review.", body, StringComparison.Ordinal);
        Assert.Contains("## Appendix\n\nGraphs.", body, StringComparison.Ordinal);
    }

    [Fact]
    public void Join_then_split_gives_the_same_items_and_drops_items_without_an_action()
    {
        var (body, items) = PostmortemActionItems.Split(Markdown);
        var joined = PostmortemActionItems.Join(body, [.. items, new("  ", "ben.okafor", null), new("Two\nlines", "chen.wei", new DateOnly(2027, 1, 5))]);
        Assert.Contains("| Fix the pool \\| and alert on it | ana.silva | 2026-12-20 |", joined, StringComparison.Ordinal);
        var (again, itemsAgain) = PostmortemActionItems.Split(joined);
        Assert.Equal(body, again);
        Assert.Equal([.. items, new("Two lines", "chen.wei", new DateOnly(2027, 1, 5))], itemsAgain);
    }

    [Fact]
    public void The_generated_draft_splits_into_its_three_owned_items()
    {
        var at = new DateTimeOffset(2026, 11, 20, 10, 0, 0, TimeSpan.Zero);
        var view = new IncidentView(Guid.NewGuid(), "gateway", "component:default/payment-gateway", "group:default/payments", null, null, "page",
            IncidentLifecycle.Resolved, null, at, null, null, null, at.AddHours(1), "ana.silva", null, 3600, [], null, 0, [], IncidentChecklist.Of([]), false);
        var (body, items) = PostmortemActionItems.Split(IncidentPostmortem.Draft(view));
        Assert.Equal(3, items.Count);
        Assert.All(items, i => Assert.Equal(("group:default/payments", new DateOnly(2026, 12, 4)), (i.Owner, i.Due!.Value)));
        Assert.Contains("## Root cause", body, StringComparison.Ordinal);
    }

    [Fact]
    public void Markdown_without_the_section_is_all_body()
    {
        var (body, items) = PostmortemActionItems.Split("# Notes\n\nNothing to do.");
        Assert.Equal("# Notes\n\nNothing to do.", body);
        Assert.Empty(items);
    }
}
