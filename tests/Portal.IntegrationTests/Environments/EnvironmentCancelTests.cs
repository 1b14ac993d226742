using System.Net;
using System.Net.Http.Json;
using Portal.TestSupport;
using Portal.Web.Features.Environments;
using Portal.Web.Features.Environments.Drivers;
using Portal.Web.Features.Identity;
using static Portal.IntegrationTests.Environments.EnvironmentKit;

namespace Portal.IntegrationTests.Environments;

/// <summary>
/// Cancelling a run while its git push hangs in the repository (a post-receive hook holds it),
/// and notifications in Slack's format to a real webhook receiver on loopback.
/// </summary>
public sealed class EnvironmentCancelTests(PortalAppFactory factory, WebhookRecorder webhook)
    : IClassFixture<PortalAppFactory>, IClassFixture<WebhookRecorder>, IAsyncLifetime
{
    // xUnit makes a new instance per test, while the factory (and so its settings) lives for the class:
    // everything the settings name is derived from the factory.
    private readonly WebhookRecorder _webhook = webhook;
    private readonly string _repository = factory.EnvironmentsFolder + "-gitops.git";
    private readonly string _reached = factory.EnvironmentsFolder + "-push-reached";
    private readonly string _release = factory.EnvironmentsFolder + "-push-release";
    private string _ana = "";

    public async Task InitializeAsync()
    {
        if (!Directory.Exists(_repository))
        {
            await GitOpsDriver.CreateRepositoryAsync(_repository, new GitOpsOptions(), CancellationToken.None);
        }
        factory.Settings["Portal:Environments:GitOps:RepositoryUrl"] = _repository;
        factory.Settings["Portal:Environments:StaleRunSeconds"] = "4"; // heartbeat (and so the cancel check) every second
        factory.Settings["Portal:Notifications:WebhookUrl"] = _webhook.Url;
        factory.Settings["Portal:Notifications:Format"] = "slack";
        factory.Settings["Portal:Notifications:PublicUrl"] = "https://portal.example";
        await factory.SeedDemoAsync();
        (_, _ana) = await factory.UserWithTokenAsync("ana.silva", "ana.silva@northwind.example");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Cancelling_during_provisioning_stops_the_run_and_tears_down_what_it_made()
    {
        var hook = Path.Combine(_repository, "hooks", "post-receive");
        await File.WriteAllTextAsync(hook, $"#!/bin/sh\ntouch '{_reached}'\nwhile [ ! -f '{_release}' ]; do sleep 0.1; done\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(hook, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        using var ana = factory.ClientWithToken(_ana);
        try
        {
            await CancelWhilePushingAsync(ana);
        }
        finally
        {
            await File.WriteAllTextAsync(_release, ""); // never leave a git push hanging
        }
    }

    private async Task CancelWhilePushingAsync(HttpClient ana)
    {
        var created = await RequestAsync(ana, new EnvironmentRequest("payout-dev", "payout-scheduler", "dev", "small"));
        await Wait.UntilAsync(() => File.Exists(_reached), Patience, "the provisioning push to hang in the repository");
        Assert.Equal("Provisioning", (await GetAsync(ana, created.Id)).Environment.Status);

        var cancel = await ana.PostAsync(new Uri($"/api/environments/{created.Id}/cancel", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        File.Delete(Path.Combine(_repository, "hooks", "post-receive"));
        await File.WriteAllTextAsync(_release, "");

        var deleted = await WaitForStatusAsync(ana, created.Id, "Deleted");

        Assert.Equal(["Requested", "Approved", "Provisioning", "Deleting", "Deleted"], deleted.Transitions.Select(t => t.To));
        Assert.Equal(["Cancelled", "Succeeded"], deleted.Runs.Select(r => r.Status));
        Assert.Contains(deleted.Runs[0].Log, l => l.Step == "cancel");
        Assert.Empty(await FilesAsync(_repository, "clusters/local/environments/payout-dev"));
        await AuditAssert.RecordedAsync(factory, "environment.cancel", "environment:payout-dev", "ana.silva");
    }

    [Fact]
    public async Task Approval_requests_reach_the_webhook_in_slacks_format_with_a_link()
    {
        using var ana = factory.ClientWithToken(_ana);

        var created = await RequestAsync(ana, new EnvironmentRequest("refund-staging", "refund-service", "staging", "medium"));

        await Wait.UntilAsync(() => _webhook.Received.Any(b => b.TryGetProperty("text", out var t) && t.GetString()!.Contains("refund-staging", StringComparison.Ordinal)),
            Patience, "the Slack message");
        var text = _webhook.Received.Select(b => b.GetProperty("text").GetString()!).First(t => t.Contains("refund-staging", StringComparison.Ordinal));
        Assert.StartsWith("*Approval needed: refund-staging*", text, StringComparison.Ordinal);
        Assert.Contains($"<https://portal.example/environments/{created.Id}|Open in Portal>", text, StringComparison.Ordinal);
        Assert.All(_webhook.Received, b => Assert.False(b.TryGetProperty("event", out _))); // Slack's body only, for every event
    }
}
