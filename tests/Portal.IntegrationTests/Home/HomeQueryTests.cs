using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;
using Portal.TestSupport;
using Portal.Web.Features.Catalog;
using Portal.Web.Features.Environments;
using Portal.Web.Features.Identity;
using Portal.Web.Features.Slo;
using Portal.Web.Features.Slo.Ingestion;
using Portal.Web.Features.Slo.Otlp.Metrics;
using static Portal.IntegrationTests.Environments.EnvironmentKit;

namespace Portal.IntegrationTests.Home;

/// <summary>
/// The queries behind the personal home's cards (issue #24), each the owning feature's: my services and starred
/// (Catalog), my environments and the approvals waiting for me (Environments), my SLOs at risk (Slo). People's teams
/// come from the catalog's team directory, as at sign-in; data goes in through the public API.
/// </summary>
public sealed class HomeQueryTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>, IAsyncLifetime
{
    private PortalUser _ana = null!; // payments member
    private string _anaToken = "";
    private PortalUser _dana = null!; // checkout member
    private string _danaToken = "";
    private PortalUser _approver = null!; // approver in no team
    private string _ingest = "";

    public async Task InitializeAsync()
    {
        await factory.SeedDemoAsync();
        (_ana, _anaToken) = await factory.UserWithTokenAsync("ana.silva", "ana.silva@northwind.example");
        (_dana, _danaToken) = await factory.UserWithTokenAsync("dana.kim", "dana.kim@northwind.example");
        (_approver, _) = await factory.UserWithTokenAsync("home-approver", roles: [PortalRoles.Approver]);
        (_, _ingest) = await factory.UserWithTokenAsync("home-ingest", roles: [PortalRoles.Admin], scopes: [PortalScopes.SloIngest]);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<AccessFacts> FactsAsync(PortalUser user, bool approver = false)
    {
        await using var db = await factory.DbAsync();
        var (_, teams) = await factory.Services.GetRequiredService<TeamDirectory>()(db, user.UserName, user.Email, [], CancellationToken.None);
        return new AccessFacts(user.Id, IsAdmin: false, IsApprover: approver, teams, Scopes: null);
    }

    [Fact]
    public async Task My_services_are_what_my_teams_own_and_starred_lists_what_still_exists_newest_first()
    {
        var ana = await FactsAsync(_ana);
        Assert.Contains("group:default/payments", ana.Teams);
        var payments = (long)(await PostgresProbe.ScalarAsync(factory.ConnectionString,
            "SELECT count(*) FROM catalog_entities WHERE kind = 'Component' AND owner = 'group:default/payments' AND orphaned_at IS NULL"))!;

        await using (var db = await factory.DbAsync())
        {
            var (items, total) = await MyCatalog.OwnedComponentsAsync(db, ana.Teams, 3, CancellationToken.None);
            Assert.Equal(payments, total);
            Assert.Equal(3, items.Count); // the card shows a few; the total leads to the Owned view
            Assert.All(items, i => Assert.Equal("group:default/payments", i.Owner));
            var all = (await MyCatalog.OwnedComponentsAsync(db, ana.Teams, 50, CancellationToken.None)).Items;
            Assert.Contains(all, i => i.Name == "payment-gateway");
            Assert.DoesNotContain(all, i => i.Name == "cart-service");
            Assert.Equal(all.Select(i => i.Title ?? i.Name).Order(StringComparer.Ordinal), all.Select(i => i.Title ?? i.Name), StringComparer.Ordinal);

            // Someone in no team owns nothing, rather than everything.
            Assert.Equal(0, (await MyCatalog.OwnedComponentsAsync(db, new HashSet<string>(), 8, CancellationToken.None)).Total);
        }

        using var client = factory.ClientWithToken(_anaToken);
        Assert.Equal(HttpStatusCode.NoContent, (await client.PutAsync(new Uri("/api/catalog/stars/component/default/cart-service", UriKind.Relative), null)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await client.PutAsync(new Uri("/api/catalog/stars/system/default/payments", UriKind.Relative), null)).StatusCode);
        // A star whose entity has since left the catalog is not shown.
        await PostgresProbe.ScalarAsync(factory.ConnectionString,
            $"INSERT INTO catalog_stars (user_id, entity_ref, created_at) VALUES ('{_ana.Id}', 'component:default/gone-away', now() + interval '1 minute')");
        await using (var db = await factory.DbAsync())
        {
            var starred = await MyCatalog.StarredAsync(db, _ana.Id, 10, CancellationToken.None);
            Assert.Equal(["system:default/payments", "component:default/cart-service"], starred.Select(i => i.Ref));
            Assert.Empty(await MyCatalog.StarredAsync(db, _dana.Id, 10, CancellationToken.None));
            // The starred card names owners by their display name.
            var names = await CatalogReads.DisplayNamesAsync(db, starred.Select(i => i.Owner!), CancellationToken.None);
            Assert.Equal("Checkout", names["group:default/checkout"]);
            Assert.Equal("Payments", names["group:default/payments"]);
        }
    }

    [Fact]
    public async Task My_environments_are_my_teams_live_ones_and_approvals_are_what_an_approver_may_decide()
    {
        using var ana = factory.ClientWithToken(_anaToken);
        using var dana = factory.ClientWithToken(_danaToken);
        var dev = await RequestAsync(ana, new EnvironmentRequest("home-refunds-dev", "refund-service", "dev", "small", Ttl: "3d"));
        var prod = await RequestAsync(ana, new EnvironmentRequest("home-gateway-prod", "payment-gateway", "prod", "medium", "us-east-1"));
        Assert.Equal("PendingApproval", prod.Status);
        var others = await RequestAsync(dana, new EnvironmentRequest("home-cart-dev", "cart-service", "dev", "small", Ttl: "2d"));
        var cancelled = await RequestAsync(ana, new EnvironmentRequest("home-fraud-prod", "fraud-scoring", "prod", "medium", "us-east-1"));
        Assert.Equal(HttpStatusCode.OK, (await ana.PostAsync(new Uri($"/api/environments/{cancelled.Id}/cancel", UriKind.Relative), null)).StatusCode);
        await WaitForStatusAsync(ana, dev.Id, "Ready");

        var anaFacts = await FactsAsync(_ana);
        await using var db = await factory.DbAsync();
        var (mine, total) = await MyEnvironments.LiveAsync(db, anaFacts, 10, CancellationToken.None);
        // Ana's team's two live environments, the one with an expiry first; not Checkout's, not the cancelled one.
        Assert.Equal(["home-refunds-dev", "home-gateway-prod"], mine.Select(e => e.Name));
        Assert.Equal(2, total);
        Assert.NotNull(mine[0].ExpiresAt);
        Assert.DoesNotContain(mine, e => e.Id == others.Id);

        // An approver sees the prod request; its requester and a plain member do not (nobody approves their own).
        var (waiting, count) = await MyEnvironments.AwaitingMyDecisionAsync(db, await FactsAsync(_approver, approver: true), 10, CancellationToken.None);
        Assert.Equal(["home-gateway-prod"], waiting.Select(e => e.Name));
        Assert.Equal(1, count);
        Assert.Empty((await MyEnvironments.AwaitingMyDecisionAsync(db, anaFacts with { IsApprover = true }, 10, CancellationToken.None)).Items);
        Assert.Empty((await MyEnvironments.AwaitingMyDecisionAsync(db, await FactsAsync(_dana), 10, CancellationToken.None)).Items);
    }

    [Fact]
    public async Task My_SLOs_at_risk_are_my_teams_burning_ones_worst_first()
    {
        using var admin = factory.AdminClient();
        var burning = await CreateSloAsync(admin, "payment-gateway", "home-gateway-availability");
        var healthy = await CreateSloAsync(admin, "refund-service", "home-refunds-availability");
        var theirs = await CreateSloAsync(admin, "cart-service", "home-cart-availability");

        // The last ten minutes: the gateway fails one request in five, refunds none, the cart (another team's) fails half.
        var now = DateTimeOffset.UtcNow;
        var minute = SloMath.MinuteOf(now);
        for (var i = 10; i >= 1; i--)
        {
            await SendAsync("payment-gateway", minute.AddMinutes(-i), 100, 20);
            await SendAsync("refund-service", minute.AddMinutes(-i), 100, 0);
            await SendAsync("cart-service", minute.AddMinutes(-i), 100, 50);
        }

        var ana = await FactsAsync(_ana);
        IReadOnlyList<SloBudgetState> atRisk = [];
        var total = 0;
        await Wait.UntilAsync(async () =>
        {
            await using var db = await factory.DbAsync();
            (atRisk, total) = await MySlos.ForTeamsAsync(db, ana.Teams, DateTimeOffset.UtcNow, CancellationToken.None);
            return atRisk.Count > 0;
        }, TimeSpan.FromSeconds(30), "the gateway's SLO at risk");

        Assert.Equal(2, total); // the Payments team's two SLOs; the cart's belongs to Checkout
        var only = Assert.Single(atRisk);
        Assert.Equal(burning, only.SloId);
        Assert.Equal("breached", only.Status);
        Assert.DoesNotContain(atRisk, s => s.SloId == healthy || s.SloId == theirs);
        await using (var db = await factory.DbAsync())
        {
            Assert.Equal(0, (await MySlos.ForTeamsAsync(db, new HashSet<string>(), DateTimeOffset.UtcNow, CancellationToken.None)).Total);
        }
    }

    private static async Task<Guid> CreateSloAsync(HttpClient admin, string component, string name)
    {
        var created = await admin.PostAsJsonAsync("/api/slos", new { name, component, indicator = "availability", target = 0.999m, window = new { kind = "rolling", days = 7 } });
        var body = await created.Content.ReadAsStringAsync();
        Assert.True(created.StatusCode == HttpStatusCode.Created, body);
        return System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("id").GetGuid();
    }

    private async Task SendAsync(string service, DateTimeOffset minute, long requests, long errors)
    {
        var histogram = new Histogram { AggregationTemporality = AggregationTemporality.Delta };
        foreach (var (count, status) in new[] { (requests - errors, 200L), (errors, 503L) })
        {
            if (count == 0)
            {
                continue;
            }
            var point = new HistogramDataPoint
            {
                StartTimeUnixNano = (ulong)OtlpReader.ToUnixNano(minute.AddSeconds(29)),
                TimeUnixNano = (ulong)OtlpReader.ToUnixNano(minute.AddSeconds(30)),
                Count = (ulong)count, Sum = count * 0.05,
            };
            point.BucketCounts.AddRange([(ulong)count, 0UL]);
            point.ExplicitBounds.Add(0.1);
            point.Attributes.Add(new Portal.Web.Features.Slo.Otlp.Common.KeyValue { Key = "http.route", Value = new Portal.Web.Features.Slo.Otlp.Common.AnyValue { StringValue = "/" } });
            point.Attributes.Add(new Portal.Web.Features.Slo.Otlp.Common.KeyValue { Key = "http.response.status_code", Value = new Portal.Web.Features.Slo.Otlp.Common.AnyValue { IntValue = status } });
            histogram.DataPoints.Add(point);
        }
        using var ingest = factory.ClientWithToken(_ingest);
        var content = new ByteArrayContent(OtlpExports.RequestDurations(service, histogram).ToByteArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        var response = await ingest.PostAsync("/v1/metrics", content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
