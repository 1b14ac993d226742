using System.Net;
using System.Net.Http.Json;
using Portal.TestSupport;
using Portal.Web.Features.Cost;

namespace Portal.IntegrationTests.Cost;

/// <summary>Admin-edited, ordered attribution rules, and the recomputation that follows a change.</summary>
public sealed class CostRulesTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>, IAsyncLifetime
{
    public Task InitializeAsync() => factory.SeedDemoAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Resource_id_rules_allocate_untagged_cost_and_every_row_is_recomputed_when_the_rules_change()
    {
        var day = new DateTime(2026, 10, 7, 0, 0, 0, DateTimeKind.Utc);
        var none = new Dictionary<string, string>();
        FocusRow[] rows =
        [
            FocusCsvWriter.Usage(day, 11.00m, "AWS", "Amazon RDS", "Databases", "us-east-1", "arn:aws:rds:db/pay-ledger", none),
            FocusCsvWriter.Usage(day, 22.00m, "AWS", "Amazon EC2", "Compute", "us-east-1", "i-chk-0042", none),
            FocusCsvWriter.Usage(day, 5.00m, "AWS", "Amazon EC2", "Compute", "us-east-1", "i-other", new Dictionary<string, string> { ["team"] = "payments" }),
        ];
        using var admin = factory.AdminClient();
        Assert.Equal(HttpStatusCode.Created, (await CostKit.ImportAsync(admin, "untagged.csv", rows)).StatusCode);
        const string Window = "/api/cost/summary?groupBy=team&from=2026-10-01&to=2026-11-01";
        Assert.Equal(33.00m, (await admin.GetFromJsonAsync<CostSummary>(Window))!.UnallocatedEffectiveCost);

        var defaults = (await admin.GetFromJsonAsync<List<RuleView>>("/api/cost/rules"))!;
        Assert.Contains(defaults, r => r is { Kind: "tag", Match: "team", Dimension: "team" });
        List<RuleView> rules =
        [
            new("resource", "/pay-", "team", "payments"),
            new("resource", "^i-chk-", "component", "cart-service"), // the component brings its owner, checkout
            .. defaults,
        ];
        var saved = await admin.PutAsJsonAsync("/api/cost/rules", rules);
        Assert.Equal(HttpStatusCode.Accepted, saved.StatusCode);

        CostSummary? summary = null;
        await Wait.UntilAsync(async () => (summary = await admin.GetFromJsonAsync<CostSummary>(Window))!.UnallocatedEffectiveCost == 0,
            TimeSpan.FromSeconds(60), "the recomputation to allocate the untagged cost");
        Assert.Equal(16.00m, Assert.Single(summary!.Rows, r => r.Key == "group:default/payments").EffectiveCost);
        Assert.Equal(22.00m, Assert.Single(summary.Rows, r => r.Key == "group:default/checkout").EffectiveCost);
        await AuditAssert.RecordedAsync(factory, "cost.rules.update", "cost-allocation-rules", "bootstrap-admin-token");
        Assert.Equal(rules, (await admin.GetFromJsonAsync<List<RuleView>>("/api/cost/rules"))!);
    }

    [Fact]
    public async Task Invalid_rules_are_refused_with_their_position_and_members_cannot_change_rules()
    {
        using var admin = factory.AdminClient();
        var (_, token) = await factory.UserWithTokenAsync("ana.silva", "ana.silva@northwind.example");
        using var member = factory.ClientWithToken(token);

        var invalid = await admin.PutAsJsonAsync("/api/cost/rules", new List<RuleView>
        {
            new("tag", "team", "team", null),
            new("resource", "([unclosed", "team", "payments"),
            new("subaccount", "123", "component", null),
            new("colour", "x", "team", "x"),
        });
        var byMember = await member.PutAsJsonAsync("/api/cost/rules", new List<RuleView> { new("tag", "team", "team", null) });

        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        var body = await invalid.Content.ReadAsStringAsync();
        Assert.Contains("Rule 2: '([unclosed' is not a regular expression", body, StringComparison.Ordinal);
        Assert.Contains("Rule 3: a subaccount rule needs the component it assigns", body, StringComparison.Ordinal);
        Assert.Contains("Rule 4: kind must be one of", body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, byMember.StatusCode);
    }
}
