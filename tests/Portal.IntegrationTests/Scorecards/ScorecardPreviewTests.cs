using Microsoft.EntityFrameworkCore;
using Portal.Web.Features.Catalog;
using Portal.Web.Features.Scorecards;

namespace Portal.IntegrationTests.Scorecards;

/// <summary>The editor's preview: a draft judged over the demo catalog in memory, nothing stored.</summary>
public sealed class ScorecardPreviewTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>
{
    [Fact]
    public async Task A_draft_previews_the_entities_its_filter_takes_and_their_levels_without_storing_anything()
    {
        await factory.SeedDemoAsync();
        var draft = ScorecardYaml.ParseOne("""
            apiVersion: portal/v1
            kind: Scorecard
            metadata:
              name: draft-websites
              title: Websites
            spec:
              owner: platform
              levels: [Bronze, Silver]
              filter:
                kind: [Component]
                type: [website]
              rules:
                - id: described
                  level: Bronze
                  check: field.present
                  params: { field: description }
                - id: runbook
                  level: Silver
                  check: link.present
                  params: { match: no-such-link-anywhere }
            """).Definition!;
        await using var db = await factory.DbAsync();
        var websites = await CatalogReads.Active(db, CatalogKinds.Component).Where(c => c.Type == "website").Select(c => c.Ref).OrderBy(r => r).ToListAsync();

        var preview = await ScorecardPreview.RunAsync(db, draft, DateTimeOffset.UtcNow, CancellationToken.None);

        Assert.True(websites.Count > 3, $"the demo has {websites.Count} websites");
        Assert.Equal(websites.Count, preview.Entities);
        Assert.Equal(websites, preview.Sample.Select(s => s.EntityRef));
        // Every demo website is described; none links "no-such-link-anywhere": all at Bronze.
        Assert.Equal([("Silver", 0), ("Bronze", websites.Count), (null, 0)], preview.Distribution.Select(d => (d.Level, d.Entities)));
        Assert.False(await db.Scorecards.AnyAsync(s => s.Name == "draft-websites"));
    }
}
