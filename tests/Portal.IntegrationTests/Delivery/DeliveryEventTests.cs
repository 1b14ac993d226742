using System.Net;
using System.Net.Http.Json;
using Portal.Web.Features.Identity;

namespace Portal.IntegrationTests.Delivery;

/// <summary>Build and deployment events through the API: retries count once, bad payloads store nothing, tokens are held to their scope and components.</summary>
public sealed class DeliveryEventTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>, IAsyncLifetime
{
    private string _ci = "";

    public async Task InitializeAsync()
    {
        await factory.SeedDemoAsync();
        _ci = await DeliveryKit.ServiceTokenAsync(factory, "ci", [PortalScopes.DeliveryWrite, PortalScopes.CatalogRead]);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static object Build(string component, string runId, string status, DateTimeOffset? finishedAt) => new
    {
        component, pipeline = "ci", runId, commitSha = "0123456789abcdef0123456789abcdef01234567", branch = "main", status,
        startedAt = new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero), finishedAt, url = "https://ci.example/runs/" + runId,
    };

    [Fact]
    public async Task Retries_of_a_run_update_it_and_count_once()
    {
        using var ci = factory.ClientWithToken(_ci);
        var finished = new DateTimeOffset(2026, 12, 1, 10, 7, 0, TimeSpan.Zero);

        Assert.Equal(HttpStatusCode.Created, (await DeliveryKit.PostBuildAsync(ci, Build("refund-service", "7001", "running", null))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await DeliveryKit.PostBuildAsync(ci, Build("refund-service", "7001", "succeeded", finished))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await DeliveryKit.PostBuildAsync(ci, Build("refund-service", "7001", "succeeded", finished))).StatusCode);
        // A late "running" from the same attempt (webhooks and retries arrive out of order) does not undo the result.
        Assert.Equal(HttpStatusCode.OK, (await DeliveryKit.PostBuildAsync(ci, Build("refund-service", "7001", "running", null))).StatusCode);
        // The same run id on another component is another run.
        Assert.Equal(HttpStatusCode.Created, (await DeliveryKit.PostBuildAsync(ci, Build("wallet-adapter", "7001", "failed", finished))).StatusCode);

        var build = Assert.Single(await DeliveryKit.BuildsAsync(ci, "refund-service"));
        Assert.Equal(("7001", "succeeded", finished), (build.RunId, build.Status, build.FinishedAt));

        // Ten concurrent retries of one deployment (a CI step retried while the first call was still in flight): one row.
        var deployment = new
        {
            component = "component:default/refund-service", environment = "Prod", runId = 99_001L, version = "1.4.2",
            commits = new[]
            {
                new { sha = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", committedAt = new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero) },
                new { sha = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", committedAt = new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero) },
            },
            status = "succeeded", startedAt = new DateTimeOffset(2026, 12, 1, 11, 0, 0, TimeSpan.Zero),
            finishedAt = new DateTimeOffset(2026, 12, 1, 11, 4, 0, TimeSpan.Zero), deployedBy = "release-bot",
        };
        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(async _ =>
        {
            using var client = factory.ClientWithToken(_ci);
            return (await DeliveryKit.PostDeploymentAsync(client, deployment)).StatusCode;
        }));
        Assert.Equal(1, responses.Count(s => s == HttpStatusCode.Created));
        Assert.Equal(9, responses.Count(s => s == HttpStatusCode.OK));
        var stored = Assert.Single(await DeliveryKit.DeploymentsAsync(ci, "refund-service"));
        Assert.Equal(("99001", "prod", "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", 2), (stored.RunId, stored.Environment, stored.CommitSha, stored.Commits.Count));
    }

    [Fact]
    public async Task Bad_payloads_get_a_400_naming_the_field_and_nothing_is_stored()
    {
        using var ci = factory.ClientWithToken(_ci);
        var start = new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

        async Task AssertFields(HttpResponseMessage response, params string[] fields)
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal(fields.Order(), (await DeliveryKit.ProblemFieldsAsync(response)).Order());
        }

        await AssertFields(await DeliveryKit.PostBuildAsync(ci, new { component = "payout-scheduler", pipeline = "ci", runId = "1", status = "succeeded", startedAt = start }),
            "commitSha", "finishedAt");
        await AssertFields(await DeliveryKit.PostBuildAsync(ci, new { component = "payout-scheduler", pipeline = "ci", runId = "2", commitSha = "not-a-sha!", status = "green", startedAt = start }),
            "commitSha", "status");
        await AssertFields(await DeliveryKit.PostBuildAsync(ci, new { component = "payout-scheduler", pipeline = "ci", runId = "3", commitSha = "abcdef1", status = "running", startedAt = "yesterday" }),
            "startedAt");
        await AssertFields(await DeliveryKit.PostBuildAsync(ci, new { component = "payout-scheduler", pipeline = "ci", runId = "4", commitSha = "abcdef1", status = "succeeded",
            startedAt = start, finishedAt = start.AddMinutes(-1), url = "javascript:alert(1)" }), "finishedAt", "url");
        await AssertFields(await DeliveryKit.PostBuildAsync(ci, new { component = "no-such-service", pipeline = "ci", runId = "5", commitSha = "abcdef1", status = "running", startedAt = start }),
            "component");
        await AssertFields(await DeliveryKit.PostDeploymentAsync(ci, new
        {
            component = "payout-scheduler", environment = "prod", runId = "6", status = "succeeded", finishedAt = start,
            commits = new object[] { new { sha = "abcdef1" }, new { sha = "xyz" } },
        }), "commits[1].sha");
        await AssertFields(await DeliveryKit.PostDeploymentAsync(ci, new { component = "payout-scheduler", runId = "7", commitSha = "abcdef1", status = "succeeded", finishedAt = start }),
            "environment");
        using var broken = new StringContent("{\"component\": \"payout-scheduler\", ", System.Text.Encoding.UTF8, "application/json");
        await AssertFields(await ci.PostAsync(new Uri("/api/delivery/builds", UriKind.Relative), broken), "body");
        using var huge = new StringContent("{\"component\": \"" + new string('x', 1_100_000) + "\"}", System.Text.Encoding.UTF8, "application/json");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await ci.PostAsync(new Uri("/api/delivery/builds", UriKind.Relative), huge)).StatusCode);

        Assert.Empty(await DeliveryKit.BuildsAsync(ci, "payout-scheduler"));
        Assert.Empty(await DeliveryKit.DeploymentsAsync(ci, "payout-scheduler"));
    }

    [Fact]
    public async Task Tokens_are_held_to_the_delivery_scope_their_components_and_their_teams()
    {
        var finished = new DateTimeOffset(2026, 12, 2, 10, 7, 0, TimeSpan.Zero);
        // An admin issues a CI token limited to one component (the same mechanism as a limited slo:ingest token).
        using var limited = factory.ClientWithToken(await DeliveryKit.ServiceTokenAsync(factory, "cart-ci", [PortalScopes.DeliveryWrite], ["cart-service"]));
        Assert.Equal(HttpStatusCode.Created, (await DeliveryKit.PostBuildAsync(limited, Build("cart-service", "1", "succeeded", finished))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await DeliveryKit.PostBuildAsync(limited, Build("pricing-engine", "1", "succeeded", finished))).StatusCode);
        await AuditAssert.RecordedAsync(factory, "delivery.event", "component:default/pricing-engine", "cart-ci", "denied");

        // A personal token acts for its person: dana.kim is in Checkout, which owns the pricing engine but not the payment gateway.
        var (_, dana) = await factory.UserWithTokenAsync("dana.kim", scopes: [PortalScopes.DeliveryWrite]);
        using var member = factory.ClientWithToken(dana);
        Assert.Equal(HttpStatusCode.Created, (await DeliveryKit.PostBuildAsync(member, Build("pricing-engine", "2", "succeeded", finished))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await DeliveryKit.PostBuildAsync(member, Build("payment-gateway", "2", "succeeded", finished))).StatusCode);

        // Without the scope, or with a cookie instead of a token: refused before anything is read.
        var (_, reader) = await factory.UserWithTokenAsync("reader-only", scopes: [PortalScopes.CatalogRead]);
        using var readOnly = factory.ClientWithToken(reader);
        Assert.Equal(HttpStatusCode.Forbidden, (await DeliveryKit.PostBuildAsync(readOnly, Build("cart-service", "3", "succeeded", finished))).StatusCode);
        using var anonymous = factory.AnonymousClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await DeliveryKit.PostBuildAsync(anonymous, Build("cart-service", "4", "succeeded", finished))).StatusCode);

        using var ci = factory.ClientWithToken(_ci);
        Assert.Equal(["1"], (await DeliveryKit.BuildsAsync(ci, "cart-service")).Select(b => b.RunId));
        Assert.Equal(["2"], (await DeliveryKit.BuildsAsync(ci, "pricing-engine")).Select(b => b.RunId));
        Assert.Empty(await DeliveryKit.BuildsAsync(ci, "payment-gateway"));
    }
}
