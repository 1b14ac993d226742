using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Portal.TestSupport;
using Portal.Web.Features.Environments;
using static Portal.IntegrationTests.Environments.EnvironmentKit;

namespace Portal.IntegrationTests.Environments;

/// <summary>The TTL sweep with a controllable clock (FakeTimeProvider) and a real webhook receiver on loopback.</summary>
#pragma warning disable CA1001 // the webhook receiver is disposed in IAsyncLifetime.DisposeAsync
public sealed class EnvironmentExpiryTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>, IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.Zero));
    private readonly WebhookRecorder _webhook = new();
    private string _ana = "";
#pragma warning restore CA1001

    public async Task InitializeAsync()
    {
        factory.Settings["Portal:Notifications:WebhookUrl"] = _webhook.Url;
        factory.Settings["Portal:Environments:ExpiryWarning"] = "12:00:00";
        factory.ReplaceServices = services => services.AddSingleton<TimeProvider>(_clock);
        await factory.SeedDemoAsync();
        (_, _ana) = await factory.UserWithTokenAsync("ana.silva", "ana.silva@northwind.example");
    }

    public async Task DisposeAsync() => await _webhook.DisposeAsync();

    private Task SweepAsync() => factory.Services.GetRequiredService<EnvironmentExpiryJob>().RunAsync(CancellationToken.None);

    [Fact]
    public async Task Owners_are_warned_before_expiry_can_extend_and_the_environment_is_torn_down_when_its_time_runs_out()
    {
        using var ana = factory.ClientWithToken(_ana);
        var created = await RequestAsync(ana, new EnvironmentRequest("fraud-preview", "fraud-scoring", "preview", "small", Ttl: "1d"));
        var ready = await WaitForStatusAsync(ana, created.Id, "Ready");
        Assert.Equal(_clock.GetUtcNow().AddDays(1), ready.Environment.ExpiresAt);

        _clock.Advance(TimeSpan.FromHours(11)); // 13 h left: not yet inside the 12 h warning window
        await SweepAsync();
        Assert.Equal("Ready", (await GetAsync(ana, created.Id)).Environment.Status);
        Assert.Empty(_webhook.Events("environment.expiring"));

        _clock.Advance(TimeSpan.FromHours(2)); // 11 h left
        await SweepAsync();
        await SweepAsync(); // a second sweep must not warn twice
        Assert.Equal("Expiring", (await GetAsync(ana, created.Id)).Environment.Status);
        await Wait.UntilAsync(() => _webhook.Events("environment.expiring").Count == 1, Patience, "one expiry warning");
        Assert.Equal("fraud-preview", _webhook.Events("environment.expiring")[0].GetProperty("fields").GetProperty("environment").GetString());

        // Extending beyond the policy's max TTL (preview: 7d) is refused; within it, the environment is Ready again.
        var tooLong = await ana.PostAsJsonAsync($"/api/environments/{created.Id}/extend", new ExtendRequest("8d"));
        Assert.Equal(System.Net.HttpStatusCode.UnprocessableEntity, tooLong.StatusCode);
        var extended = await ana.PostAsJsonAsync($"/api/environments/{created.Id}/extend", new ExtendRequest("1d"));
        Assert.Equal(System.Net.HttpStatusCode.OK, extended.StatusCode);
        var afterExtend = await GetAsync(ana, created.Id);
        Assert.Equal("Ready", afterExtend.Environment.Status);
        Assert.Equal(_clock.GetUtcNow().AddDays(1), afterExtend.Environment.ExpiresAt);
        await AuditAssert.RecordedAsync(factory, "environment.extend", "environment:fraud-preview", "ana.silva");

        _clock.Advance(TimeSpan.FromDays(1).Add(TimeSpan.FromMinutes(1)));
        await SweepAsync();

        var deleted = await WaitForStatusAsync(ana, created.Id, "Deleted");
        Assert.Contains(deleted.Transitions, t => t.To == "Deleting" && t.Comment == "Time to live ran out");
        Assert.Equal("Teardown", deleted.Runs[^1].Kind);
        await Wait.UntilAsync(() => _webhook.Events("environment.deleted").Count == 1, Patience, "the deletion notice");
        await AuditAssert.RecordedAsync(factory, "environment.expire", "environment:fraud-preview", "portal");
    }
}
