using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Web.Features.Environments;
using Portal.Web.Features.Identity;
using static Portal.IntegrationTests.Environments.EnvironmentKit;

namespace Portal.IntegrationTests.Environments;

/// <summary>Requests, policy, approvals and the GitOps driver over the real API, database, Hangfire and git.</summary>
public sealed class EnvironmentRequestTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>, IAsyncLifetime
{
    private string _ana = "";      // payments member
    private string _ben = "";      // payments member and approver
    private string _dana = "";     // checkout member
    private string _approver = ""; // approver in no team

    private string Repository => Path.Combine(factory.EnvironmentsFolder, "gitops.git");

    public async Task InitializeAsync()
    {
        factory.Settings["Portal:Jobs:WorkerCount"] = "4";
        await factory.SeedDemoAsync();
        (_, _ana) = await factory.UserWithTokenAsync("ana.silva", "ana.silva@northwind.example");
        (_, _ben) = await factory.UserWithTokenAsync("ben.okafor", "ben.okafor@northwind.example", roles: [PortalRoles.Approver]);
        (_, _dana) = await factory.UserWithTokenAsync("dana.kim", "dana.kim@northwind.example");
        (_, _approver) = await factory.UserWithTokenAsync("approver-1", roles: [PortalRoles.Approver]);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_dev_environment_is_one_gitops_commit_that_kustomize_renders_and_teardown_removes_it_in_a_second()
    {
        using var ana = factory.ClientWithToken(_ana);
        var created = await RequestAsync(ana, new EnvironmentRequest("refunds-dev", "refund-service", "dev", "small", Ttl: "3d"));
        Assert.Equal("Approved", created.Status); // dev needs no approval: provisioning starts at once
        var before = Directory.Exists(Repository) ? await CommitCountAsync(Repository) : 1;

        var ready = await WaitForStatusAsync(ana, created.Id, "Ready");

        Assert.Equal(before + 1, await CommitCountAsync(Repository));
        var folder = "clusters/local/environments/refunds-dev";
        Assert.Equal(folder, ready.Environment.Outputs["path"]);
        Assert.Equal(Repository, ready.Environment.Outputs["repository"]);
        Assert.Equal("refunds-dev", ready.Environment.Outputs["namespace"]);
        var message = await GitAsync(Repository, "log", "-1", "--format=%B", "main");
        Assert.Contains("refunds-dev", message, StringComparison.Ordinal);
        Assert.Contains("ana.silva", message, StringComparison.Ordinal);
        Assert.Equal(6, (await FilesAsync(Repository, folder)).Count);

        var objects = await KustomizeAsync(Repository, folder);
        Assert.Equal(["LimitRange", "Namespace", "NetworkPolicy", "NetworkPolicy", "ResourceQuota", "RoleBinding"],
            objects.Select(o => Scalar(o, "kind")).Order(StringComparer.Ordinal));
        foreach (var o in objects)
        {
            Assert.False(string.IsNullOrEmpty(Scalar(o, "apiVersion")));
            Assert.Matches("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", Scalar(o, "metadata", "name"));
            if (Scalar(o, "kind") != "Namespace")
            {
                Assert.Equal("refunds-dev", Scalar(o, "metadata", "namespace"));
            }
        }
        var ns = objects.Single(o => Scalar(o, "kind") == "Namespace");
        Assert.Equal("payments", Scalar(ns, "metadata", "labels", "team"));
        Assert.Equal("refund-service", Scalar(ns, "metadata", "labels", "component"));
        Assert.Equal("refunds-dev", Scalar(ns, "metadata", "labels", "environment"));
        var quota = objects.Single(o => Scalar(o, "kind") == "ResourceQuota");
        Assert.Equal("1", Scalar(quota, "spec", "hard", "requests.cpu"));
        Assert.Equal("2Gi", Scalar(quota, "spec", "hard", "requests.memory"));
        Assert.NotNull(ready.Environment.ExpiresAt);
        Assert.Equal(TimeSpan.FromDays(3), ready.Environment.ExpiresAt!.Value - ready.Environment.ReadyAt!.Value);
        Assert.Equal(["Requested", "Approved", "Provisioning", "Ready"], ready.Transitions.Select(t => t.To));
        Assert.Contains(ready.Runs.Single().Log, l => l.Step == "commit" && l.Message.Contains("committed", StringComparison.Ordinal));

        var delete = await ana.DeleteAsync(new Uri($"/api/environments/{created.Id}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Accepted, delete.StatusCode);
        await WaitForStatusAsync(ana, created.Id, "Deleted");

        Assert.Equal(before + 2, await CommitCountAsync(Repository));
        Assert.Empty(await FilesAsync(Repository, folder));
        Assert.Contains("Tear down environment refunds-dev", await GitAsync(Repository, "log", "-1", "--format=%s", "main"), StringComparison.Ordinal);
        await AuditAssert.RecordedAsync(factory, "environment.request", "environment:refunds-dev", "ana.silva");
        await AuditAssert.RecordedAsync(factory, "environment.delete", "environment:refunds-dev", "ana.silva");
    }

    [Theory]
    [InlineData("ttl", "dev", "small", "eu-west-1", "30d", "live at most 14d")]
    [InlineData("tier", "dev", "large", "eu-west-1", null, "may be small or medium")]
    [InlineData("region", "dev", "small", "mars-1", null, "not mars-1")]
    [InlineData("name", "dev", "small", "eu-west-1", null, "naming rule")]
    [InlineData("type", "sandbox", "small", "eu-west-1", null, "allows no 'sandbox'")]
    public async Task A_policy_violation_is_refused_with_its_field_and_nothing_is_provisioned(
        string field, string type, string tier, string region, string? ttl, string expected)
    {
        using var ana = factory.ClientWithToken(_ana);
        var name = field == "name" ? "Bad_Name" : $"refused-{field}";

        var response = await ana.PostAsJsonAsync("/api/environments", new EnvironmentRequest(name, "refund-service", type, tier, region, ttl));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        var messages = problem.GetProperty("errors").GetProperty(field).EnumerateArray().Select(m => m.GetString()!).ToList();
        Assert.Contains(messages, m => m.Contains(expected, StringComparison.Ordinal));
        await using var db = await factory.DbAsync();
        Assert.False(await db.Environments.AnyAsync(e => e.Name == name));
        Assert.True(await db.PolicyDecisions.AnyAsync(d => !d.Compliant && d.Violations.Count > 0));
        await AuditAssert.RecordedAsync(factory, "environment.request", $"environment:{name}", "ana.silva", "denied");
    }

    [Fact]
    public async Task A_team_over_its_quota_is_refused_until_an_environment_is_gone()
    {
        using var admin = factory.AdminClient();
        using var ana = factory.ClientWithToken(_ana);
        var original = (await admin.GetFromJsonAsync<PolicyDocument>("/api/environments/policy"))!;
        int live;
        await using (var db = await factory.DbAsync())
        {
            live = await db.Environments.CountAsync(e => e.OwnerTeam == "group:default/payments" && PortalEnvironment.Live.Contains(e.Status));
        }
        var limit = live + 1; // room for exactly one more, whatever the other tests left running
        var strict = original.Yaml.Replace("platform: { maxEnvironments: 20, cpu: 64, memoryGi: 256 }",
            $"platform: {{ maxEnvironments: 20, cpu: 64, memoryGi: 256 }}\n    payments: {{ maxEnvironments: {limit}, cpu: 64, memoryGi: 256 }}", StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync("/api/environments/policy", new SavePolicyRequest(strict, "payments: one more environment"))).StatusCode);
        try
        {
            var first = await RequestAsync(ana, new EnvironmentRequest("quota-one", "payout-scheduler", "dev", "small"));

            var second = await ana.PostAsJsonAsync("/api/environments", new EnvironmentRequest("quota-two", "payout-scheduler", "dev", "small"));

            Assert.Equal(HttpStatusCode.UnprocessableEntity, second.StatusCode);
            var problem = await second.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Contains($"already has {limit} of its {limit} environments", problem.GetProperty("errors").GetProperty("component")[0].GetString(), StringComparison.Ordinal);
            await WaitForStatusAsync(ana, first.Id, "Ready");
            await ana.DeleteAsync(new Uri($"/api/environments/{first.Id}", UriKind.Relative));
            await WaitForStatusAsync(ana, first.Id, "Deleted");
            var third = await RequestAsync(ana, new EnvironmentRequest("quota-two", "payout-scheduler", "dev", "small"));
            await WaitForStatusAsync(ana, third.Id, "Ready");
            await ana.DeleteAsync(new Uri($"/api/environments/{third.Id}", UriKind.Relative));
            await WaitForStatusAsync(ana, third.Id, "Deleted");
        }
        finally
        {
            await admin.PutAsJsonAsync("/api/environments/policy", new SavePolicyRequest(original.Yaml, "restore"));
        }
    }

    [Fact]
    public async Task Concurrent_requests_cannot_overrun_a_quota()
    {
        using var admin = factory.AdminClient();
        using var dana = factory.ClientWithToken(_dana);
        var original = (await admin.GetFromJsonAsync<PolicyDocument>("/api/environments/policy"))!;
        int live;
        await using (var db = await factory.DbAsync())
        {
            live = await db.Environments.CountAsync(e => e.OwnerTeam == "group:default/checkout" && PortalEnvironment.Live.Contains(e.Status));
        }
        var strict = original.Yaml.Replace("platform: { maxEnvironments: 20, cpu: 64, memoryGi: 256 }",
            $"platform: {{ maxEnvironments: 20, cpu: 64, memoryGi: 256 }}\n    checkout: {{ maxEnvironments: {live + 1}, cpu: 64, memoryGi: 256 }}", StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync("/api/environments/policy", new SavePolicyRequest(strict, "checkout: one more"))).StatusCode);
        try
        {
            // prod waits for approval, so the race is only about the quota check and the insert
            var responses = await Task.WhenAll(Enumerable.Range(1, 6).Select(i =>
                dana.PostAsJsonAsync("/api/environments", new EnvironmentRequest($"race-{i}", "cart-service", "prod", "medium"))));

            Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
            Assert.Equal(5, responses.Count(r => r.StatusCode == HttpStatusCode.UnprocessableEntity));
            await using var db = await factory.DbAsync();
            Assert.Equal(live + 1, await db.Environments.CountAsync(e => e.OwnerTeam == "group:default/checkout" && PortalEnvironment.Live.Contains(e.Status)));
        }
        finally
        {
            await admin.PutAsJsonAsync("/api/environments/policy", new SavePolicyRequest(original.Yaml, "restore"));
        }
    }

    [Fact]
    public async Task Prod_waits_for_an_approver_who_is_not_the_requester()
    {
        using var ben = factory.ClientWithToken(_ben);
        using var ana = factory.ClientWithToken(_ana);
        using var approver = factory.ClientWithToken(_approver);
        var commits = Directory.Exists(Repository) ? await CommitCountAsync(Repository) : 1;

        var created = await RequestAsync(ben, new EnvironmentRequest("gateway-prod", "payment-gateway", "prod", "medium", "us-east-1"));
        Assert.Equal("PendingApproval", created.Status);

        var own = await ben.PostAsJsonAsync($"/api/environments/{created.Id}/approve", new DecisionRequest("looks fine to me"));
        Assert.Equal(HttpStatusCode.Forbidden, own.StatusCode);
        Assert.Contains("your own request", await own.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var member = await ana.PostAsJsonAsync($"/api/environments/{created.Id}/approve", new DecisionRequest(null));
        Assert.Equal(HttpStatusCode.Forbidden, member.StatusCode); // a team member who is no approver
        var pending = await GetAsync(ben, created.Id);
        Assert.Equal("PendingApproval", pending.Environment.Status);
        Assert.Empty(pending.Runs); // nothing provisioned while it waits
        Assert.Equal(commits, Directory.Exists(Repository) ? await CommitCountAsync(Repository) : 1);
        await AuditAssert.RecordedAsync(factory, "environment.approve", "environment:gateway-prod", "ben.okafor", "denied");

        var approved = await approver.PostAsJsonAsync($"/api/environments/{created.Id}/approve", new DecisionRequest("Capacity checked"));
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        var ready = await WaitForStatusAsync(ben, created.Id, "Ready");

        Assert.Null(ready.Environment.ExpiresAt); // prod has no TTL
        Assert.Equal("approver-1", ready.DecidedBy);
        Assert.Contains(ready.Transitions, t => t.To == "Approved" && t.Actor == "approver-1" && t.Comment == "Capacity checked");
        await AuditAssert.RecordedAsync(factory, "environment.approve", "environment:gateway-prod", "approver-1");
        var again = await approver.PostAsJsonAsync($"/api/environments/{created.Id}/approve", new DecisionRequest(null));
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    [Fact]
    public async Task Another_teams_component_is_refused_and_nothing_is_created()
    {
        using var dana = factory.ClientWithToken(_dana);

        var response = await dana.PostAsJsonAsync("/api/environments", new EnvironmentRequest("not-mine", "refund-service", "dev", "small"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("Only members of payments", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await using var db = await factory.DbAsync();
        Assert.False(await db.Environments.AnyAsync(e => e.Name == "not-mine"));
        await AuditAssert.RecordedAsync(factory, "environment.request", "environment:not-mine", "dana.kim", "denied");
    }

    [Fact]
    public async Task A_pending_request_can_be_cancelled_and_then_neither_approved_nor_provisioned()
    {
        using var ana = factory.ClientWithToken(_ana);
        using var approver = factory.ClientWithToken(_approver);
        var created = await RequestAsync(ana, new EnvironmentRequest("wallet-staging", "wallet-adapter", "staging", "medium"));
        Assert.Equal("PendingApproval", created.Status);

        Assert.Equal(HttpStatusCode.OK, (await ana.PostAsync(new Uri($"/api/environments/{created.Id}/cancel", UriKind.Relative), null)).StatusCode);
        var late = await approver.PostAsJsonAsync($"/api/environments/{created.Id}/approve", new DecisionRequest(null));

        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        var detail = await GetAsync(ana, created.Id);
        Assert.Equal("Cancelled", detail.Environment.Status);
        Assert.Empty(detail.Runs);
        await AuditAssert.RecordedAsync(factory, "environment.cancel", "environment:wallet-staging", "ana.silva");
    }

    [Fact]
    public async Task An_invalid_policy_is_refused_with_its_errors_and_the_current_version_stays()
    {
        using var admin = factory.AdminClient();
        using var ana = factory.ClientWithToken(_ana);
        var current = (await admin.GetFromJsonAsync<PolicyDocument>("/api/environments/policy"))!;

        var broken = await admin.PutAsJsonAsync("/api/environments/policy", new SavePolicyRequest("tiers:\n  small: { cpu: 1, memoryGi: 2 }\ntypes:\n  dev: { tiers: [huge], regions: [eu-west-1] }\n", null));
        var notYaml = await admin.PutAsJsonAsync("/api/environments/policy", new SavePolicyRequest("tiers: [unclosed", null));
        var byMember = await ana.PutAsJsonAsync("/api/environments/policy", new SavePolicyRequest(current.Yaml, null));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, broken.StatusCode);
        Assert.Contains("tier 'huge', which 'tiers' does not define", await broken.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, notYaml.StatusCode);
        Assert.Contains("Line 1", await notYaml.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, byMember.StatusCode);
        Assert.Equal(current.Version, (await admin.GetFromJsonAsync<PolicyDocument>("/api/environments/policy"))!.Version);
    }
}
