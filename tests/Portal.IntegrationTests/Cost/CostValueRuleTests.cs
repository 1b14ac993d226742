using System.Net;
using System.Net.Http.Json;
using Portal.TestSupport;
using Portal.Web.Features.Cost;

namespace Portal.IntegrationTests.Cost;

/// <summary>A rule on a tag's value (Owner: team-(.*) → team $1), previewed over the imported data before saving, and the unallocated report.</summary>
public sealed class CostValueRuleTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>, IAsyncLifetime
{
    public Task InitializeAsync() => factory.SeedDemoAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_value_rule_is_previewed_with_the_cost_it_moves_then_saved_and_the_unallocated_report_shrinks()
    {
        var day = new DateTime(2026, 8, 3, 0, 0, 0, DateTimeKind.Utc);
        FocusRow[] rows =
        [
            FocusCsvWriter.Usage(day, 40.00m, "AWS", "Amazon EC2", "Compute", "us-east-1", "i-pay-1", new Dictionary<string, string> { ["Owner"] = "team-payments" }),
            FocusCsvWriter.Usage(day.AddHours(1), 2.50m, "AWS", "Amazon EC2", "Compute", "us-east-1", "i-pay-1", new Dictionary<string, string> { ["Owner"] = "team-payments" }),
            FocusCsvWriter.Usage(day, 12.00m, "AWS", "Amazon S3", "Storage", "us-east-1", "bucket-platform", new Dictionary<string, string> { ["Owner"] = "team-platform" }),
            FocusCsvWriter.Usage(day, 30.00m, "AWS", "Amazon RDS", "Databases", "us-east-1", "db-orphan", new Dictionary<string, string> { ["Owner"] = "alice@example.com" }),
            FocusCsvWriter.Usage(day, 5.00m, "AWS", "Amazon EC2", "Compute", "us-east-1", "i-tagged", new Dictionary<string, string> { ["team"] = "payments" }),
        ];
        using var admin = factory.AdminClient();
        Assert.Equal(HttpStatusCode.Created, (await CostKit.ImportAsync(admin, "owners.csv", rows)).StatusCode);
        const string Window = "from=2026-08-01&to=2026-09-01";

        var before = (await admin.GetFromJsonAsync<UnallocatedReport>($"/api/cost/unallocated?{Window}"))!;
        Assert.Equal(84.50m, before.UnallocatedCost);
        Assert.Equal(89.50m, before.TotalCost);
        Assert.Equal(["i-pay-1", "db-orphan", "bucket-platform"], before.Resources.Select(r => r.ResourceId));
        Assert.Equal((42.50m, 2), (before.Resources[0].EffectiveCost, before.Resources[0].Rows));
        Assert.Equal("team-payments", before.Resources[0].Tags["Owner"]);

        var defaults = (await admin.GetFromJsonAsync<List<RuleView>>("/api/cost/rules"))!;
        List<RuleView> proposed = [new("tag", "Owner", "team", "$1", "regex", "team-(.*)"), .. defaults];
        var response = await admin.PostAsJsonAsync("/api/cost/rules/preview", proposed);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var preview = (await response.Content.ReadFromJsonAsync<RulePreview>())!;

        Assert.Equal((54.50m, 3), (preview.Rules[0].MovesCost, preview.Rules[0].MovesRows)); // payments 42.50 + platform 12.00
        Assert.Equal((84.50m, 30.00m), (preview.UnallocatedBefore, preview.UnallocatedAfter));
        // A preview writes nothing.
        Assert.Equal(84.50m, (await admin.GetFromJsonAsync<UnallocatedReport>($"/api/cost/unallocated?{Window}"))!.UnallocatedCost);
        Assert.Equal(defaults, (await admin.GetFromJsonAsync<List<RuleView>>("/api/cost/rules"))!);

        Assert.Equal(HttpStatusCode.Accepted, (await admin.PutAsJsonAsync("/api/cost/rules", proposed)).StatusCode);
        UnallocatedReport? after = null;
        await Wait.UntilAsync(async () => (after = await admin.GetFromJsonAsync<UnallocatedReport>($"/api/cost/unallocated?{Window}"))!.UnallocatedCost == 30.00m,
            TimeSpan.FromSeconds(60), "the saved value rule to re-attribute the Owner-tagged cost");
        Assert.Equal(["db-orphan"], after!.Resources.Select(r => r.ResourceId));
        var byTeam = (await admin.GetFromJsonAsync<CostSummary>($"/api/cost/summary?groupBy=team&{Window}"))!;
        Assert.Equal(47.50m, Assert.Single(byTeam.Rows, r => r.Key == "group:default/payments").EffectiveCost);
        Assert.Equal(12.00m, Assert.Single(byTeam.Rows, r => r.Key == "group:default/platform").EffectiveCost);
        Assert.Equal(proposed, (await admin.GetFromJsonAsync<List<RuleView>>("/api/cost/rules"))!);
    }

    [Fact]
    public async Task A_bad_value_rule_is_refused_in_the_preview_and_members_cannot_preview()
    {
        using var admin = factory.AdminClient();
        var (_, token) = await factory.UserWithTokenAsync("ben.okafor", "ben.okafor@northwind.example");
        using var member = factory.ClientWithToken(token);

        var bad = await admin.PostAsJsonAsync("/api/cost/rules/preview", new List<RuleView> { new("tag", "Owner", "team", "$2", "regex", "team-(.*)") });
        var byMember = await member.PostAsJsonAsync("/api/cost/rules/preview", new List<RuleView> { new("tag", "team", "team", null) });
        var badTop = await admin.GetAsync(new Uri("/api/cost/unallocated?top=0", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("refers to $2, but 'team-(.*)' has 1 group(s)", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, byMember.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badTop.StatusCode);
    }
}
