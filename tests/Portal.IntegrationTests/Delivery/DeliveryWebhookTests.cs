using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace Portal.IntegrationTests.Delivery;

/// <summary>
/// GitHub's and GitLab's own example payloads (TestData, sources in its README) posted as their webhooks would post
/// them, signed with the configured secrets; GitHub and GitLab themselves are not called (they cannot run here).
/// </summary>
public sealed class DeliveryWebhookTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>, IAsyncLifetime
{
    private const string GlobalSecret = "global-webhook-secret";
    private const string CartSecret = "cart-service-own-secret";

    public async Task InitializeAsync()
    {
        factory.Settings["Portal:Delivery:Webhooks:Secret"] = GlobalSecret;
        factory.Settings["Portal:Delivery:Webhooks:ComponentSecrets:cart-service"] = CartSecret;
        await factory.SeedDemoAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static byte[] Payload(string name) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Delivery", "TestData", name));

    private static string Sign(byte[] body, string secret) => "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    private async Task<HttpResponseMessage> GitHubAsync(string component, string @event, byte[] body, string? signature)
    {
        using var client = factory.AnonymousClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/delivery/webhooks/github?component={component}") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        request.Headers.Add("X-GitHub-Event", @event);
        if (signature is not null)
        {
            request.Headers.Add("X-Hub-Signature-256", signature);
        }
        return await client.SendAsync(request);
    }

    private async Task<HttpResponseMessage> GitLabAsync(string component, string @event, byte[] body, string? token)
    {
        using var client = factory.AnonymousClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/delivery/webhooks/gitlab?component={component}") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        request.Headers.Add("X-Gitlab-Event", @event);
        if (token is not null)
        {
            request.Headers.Add("X-Gitlab-Token", token);
        }
        return await client.SendAsync(request);
    }

    [Fact]
    public async Task GitHubs_workflow_run_and_deployment_status_examples_are_recorded_once_per_run()
    {
        var requested = Payload("github-workflow_run-requested.json");
        var completed = Payload("github-workflow_run-completed.json");
        Assert.Equal(HttpStatusCode.Created, (await GitHubAsync("order-service", "workflow_run", requested, Sign(requested, GlobalSecret))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await GitHubAsync("order-service", "workflow_run", completed, Sign(completed, GlobalSecret))).StatusCode);
        // GitHub redelivers a hook that timed out: still one run.
        Assert.Equal(HttpStatusCode.OK, (await GitHubAsync("order-service", "workflow_run", completed, Sign(completed, GlobalSecret))).StatusCode);

        using var admin = factory.AdminClient();
        var build = Assert.Single(await DeliveryKit.BuildsAsync(admin, "order-service"));
        Assert.Equal(("289782451", "test", "3484a3fb816e0859fd6e1cea078d76385ff50625", "master", "succeeded", "github"),
            (build.RunId, build.Pipeline, build.CommitSha, build.Branch, build.Status, build.Source));
        Assert.Equal(DateTimeOffset.Parse("2020-10-05T16:33:49Z", System.Globalization.CultureInfo.InvariantCulture), build.StartedAt);
        Assert.Equal("https://github.com/octo-org/octo-repo/actions/runs/289782451", build.Url);

        var deployment = Payload("github-deployment_status.json");
        Assert.Equal(HttpStatusCode.Created, (await GitHubAsync("order-service", "deployment_status", deployment, Sign(deployment, GlobalSecret))).StatusCode);
        var stored = Assert.Single(await DeliveryKit.DeploymentsAsync(admin, "order-service"));
        Assert.Equal(("145988746", "production", "f95f852bd8fca8fcc58a9a2d6c842781e32a215e", "succeeded", "Codertocat", "master"),
            (stored.RunId, stored.Environment, stored.CommitSha, stored.Status, stored.DeployedBy, stored.Version));

        var ping = Encoding.UTF8.GetBytes("{\"zen\":\"Design for failure.\",\"hook_id\":1}");
        Assert.Equal(HttpStatusCode.Accepted, (await GitHubAsync("order-service", "ping", ping, Sign(ping, GlobalSecret))).StatusCode);
    }

    [Fact]
    public async Task GitLabs_pipeline_and_deployment_examples_are_recorded()
    {
        var pipeline = Payload("gitlab-pipeline.json");
        Assert.Equal(HttpStatusCode.Created, (await GitLabAsync("search-indexer", "Pipeline Hook", pipeline, GlobalSecret)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await GitLabAsync("search-indexer", "Pipeline Hook", pipeline, GlobalSecret)).StatusCode);
        var deployment = Payload("gitlab-deployment.json");
        Assert.Equal(HttpStatusCode.Created, (await GitLabAsync("search-indexer", "Deployment Hook", deployment, GlobalSecret)).StatusCode);

        using var admin = factory.AdminClient();
        var build = Assert.Single(await DeliveryKit.BuildsAsync(admin, "search-indexer"));
        Assert.Equal(("31", "Pipeline for branch: master", "bcbb5ec396a2c0f828686f14fac9b80b780504f2", "master", "succeeded", "gitlab"),
            (build.RunId, build.Pipeline, build.CommitSha, build.Branch, build.Status, build.Source));
        Assert.Equal(new DateTimeOffset(2016, 8, 12, 15, 23, 28, TimeSpan.Zero), build.StartedAt);
        Assert.Equal(new DateTimeOffset(2016, 8, 12, 15, 26, 29, TimeSpan.Zero), build.FinishedAt);
        var stored = Assert.Single(await DeliveryKit.DeploymentsAsync(admin, "search-indexer"));
        Assert.Equal(("15", "staging", "279484c09fbe69ededfced8c1bb6e6d24616b468", "succeeded", "root"),
            (stored.RunId, stored.Environment, stored.CommitSha, stored.Status, stored.DeployedBy));
        Assert.Equal(new DateTimeOffset(2021, 4, 28, 19, 50, 0, TimeSpan.Zero), stored.FinishedAt);
    }

    [Fact]
    public async Task A_bad_signature_or_token_is_refused_and_nothing_is_stored()
    {
        var completed = Payload("github-workflow_run-completed.json");
        var tampered = (byte[])completed.Clone();
        tampered[Array.IndexOf(tampered, (byte)'s')] = (byte)'S';

        Assert.Equal(HttpStatusCode.Unauthorized, (await GitHubAsync("checkout-web", "workflow_run", completed, null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await GitHubAsync("checkout-web", "workflow_run", completed, Sign(completed, "wrong-secret"))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await GitHubAsync("checkout-web", "workflow_run", tampered, Sign(completed, GlobalSecret))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await GitHubAsync("checkout-web", "workflow_run", completed, "sha256=zz")).StatusCode);
        // A component with its own secret accepts only that one, not the global secret.
        Assert.Equal(HttpStatusCode.Unauthorized, (await GitHubAsync("cart-service", "workflow_run", completed, Sign(completed, GlobalSecret))).StatusCode);
        var pipeline = Payload("gitlab-pipeline.json");
        Assert.Equal(HttpStatusCode.Unauthorized, (await GitLabAsync("checkout-web", "Pipeline Hook", pipeline, "guess")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await GitLabAsync("checkout-web", "Pipeline Hook", pipeline, null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await GitLabAsync("cart-service", "Pipeline Hook", pipeline, GlobalSecret)).StatusCode);

        using var admin = factory.AdminClient();
        Assert.Empty(await DeliveryKit.BuildsAsync(admin, "checkout-web"));
        Assert.Empty(await DeliveryKit.BuildsAsync(admin, "cart-service"));

        // The component's own secret works, and an unknown component is named in a 400 after the signature checks out.
        Assert.Equal(HttpStatusCode.Created, (await GitLabAsync("cart-service", "Pipeline Hook", pipeline, CartSecret)).StatusCode);
        var unknown = await GitHubAsync("no-such-service", "workflow_run", completed, Sign(completed, GlobalSecret));
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Equal(["component"], await DeliveryKit.ProblemFieldsAsync(unknown));
    }
}
