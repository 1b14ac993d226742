using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json;
using Portal.TestSupport;
using Portal.Web.Features.Identity;
using Portal.Web.Features.Incidents;

namespace Portal.IntegrationTests.Incidents;

/// <summary>
/// Overrides through the schedule page's command (<see cref="OnCallCommands"/>, as <c>OnCallSchedulePage</c> calls it)
/// and through the API put the same person on call, with the same limits; a member of another team changes the schedule
/// by neither path, and the refusals are audited.
/// </summary>
public sealed class OnCallOverrideTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>, IAsyncLifetime
{
    private string _ana = "", _dana = "";

    public async Task InitializeAsync()
    {
        await factory.SeedDemoAsync();
        (_, _ana) = await factory.UserWithTokenAsync("ana.silva", "ana.silva@northwind.example"); // payments
        (_, _dana) = await factory.UserWithTokenAsync("dana.kim", "dana.kim@northwind.example");  // checkout
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static ClaimsPrincipal Member(string name, string team) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.Name, name), new Claim(PortalClaims.Team, team)], "test"));

    private static object Schedule(DateTimeOffset start) => new
    {
        team = "group:default/payments",
        layers = new object[]
        {
            new { name = "Primary", users = new[] { "ana.silva", "ben.okafor" }, rotationStart = start, handoffHours = 168, escalateAfterMinutes = 5 },
            new { name = "Secondary", users = new[] { "chen.wei" }, rotationStart = start, handoffHours = 168, escalateAfterMinutes = 15 },
        },
    };

    [Fact]
    public async Task An_override_added_on_the_page_and_through_the_api_puts_the_same_person_on_call_and_another_team_changes_neither()
    {
        using var ana = factory.ClientWithToken(_ana);
        using var dana = factory.ClientWithToken(_dana);
        var now = new DateTimeOffset(DateTimeOffset.UtcNow.Ticks / TimeSpan.TicksPerSecond * TimeSpan.TicksPerSecond, TimeSpan.Zero);
        foreach (var name in new[] { "payments-z-page", "payments-z-api" })
        {
            Assert.Equal(HttpStatusCode.OK, (await ana.PutAsJsonAsync($"/api/oncall/schedules/{name}", Schedule(now.AddDays(-1)))).StatusCode);
        }
        var cover = new OnCallOverrideRequest("chen.wei", now.AddHours(-1), now.AddHours(3));

        // The page's command, as ana (a payments member) signed in.
        var anaUser = Member("ana.silva", "group:default/payments");
        OnCallResult byPage;
        await using (var db = await factory.DbAsync())
        {
            byPage = await OnCallCommands.AddOverrideAsync(db, anaUser, AuditActor.From(anaUser, null), now, "payments-z-page", 0, cover, CancellationToken.None);
        }
        Assert.Equal(OnCallOutcome.Saved, byPage.Outcome);
        // The API.
        var byApi = await ana.PostAsJsonAsync("/api/oncall/schedules/payments-z-api/layers/0/overrides", cover);
        Assert.Equal(HttpStatusCode.OK, byApi.StatusCode);
        var apiView = (await byApi.Content.ReadFromJsonAsync<OnCallScheduleView>(JsonSerializerOptions.Web))!;
        var pageView = (await ana.GetFromJsonAsync<OnCallScheduleView>("/api/oncall/schedules/payments-z-page", JsonSerializerOptions.Web))!;
        Assert.Equal(("chen.wei", now.AddHours(3)), (pageView.Now[0].User, pageView.Now[0].Until));
        Assert.Equal(pageView.Now, apiView.Now);
        Assert.Equal(JsonSerializer.Serialize(pageView.Layers), JsonSerializer.Serialize(apiView.Layers));

        // The API's limits, the same on both paths: at most 90 days.
        var tooLong = new OnCallOverrideRequest("ben.okafor", now, now.AddDays(91));
        var refused = await ana.PostAsJsonAsync("/api/oncall/schedules/payments-z-api/layers/0/overrides", tooLong);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("at most 90 days", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await using (var db = await factory.DbAsync())
        {
            var invalid = await OnCallCommands.AddOverrideAsync(db, anaUser, AuditActor.From(anaUser, null), now, "payments-z-page", 0, tooLong, CancellationToken.None);
            Assert.Equal(OnCallOutcome.Invalid, invalid.Outcome);
            Assert.Contains(invalid.Problems.Values.SelectMany(m => m), m => m.Contains("at most 90 days", StringComparison.Ordinal));
        }
        Assert.Equal(HttpStatusCode.NotFound, (await ana.PostAsJsonAsync("/api/oncall/schedules/payments-z-api/layers/5/overrides", cover)).StatusCode);

        // dana (checkout) can change neither, by either path; nothing changes and the refusals are audited.
        Assert.Equal(HttpStatusCode.Forbidden, (await dana.PostAsJsonAsync("/api/oncall/schedules/payments-z-api/layers/0/overrides",
            new OnCallOverrideRequest("dana.kim", now, now.AddHours(1)))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await dana.DeleteAsync("/api/oncall/schedules/payments-z-api/layers/0/overrides/0")).StatusCode);
        var danaUser = Member("dana.kim", "group:default/checkout");
        await using (var db = await factory.DbAsync())
        {
            Assert.Equal(OnCallOutcome.Forbidden, (await OnCallCommands.AddOverrideAsync(db, danaUser, AuditActor.From(danaUser, null), now, "payments-z-page", 0,
                new OnCallOverrideRequest("dana.kim", now, now.AddHours(1)), CancellationToken.None)).Outcome);
            Assert.Equal(OnCallOutcome.Forbidden, (await OnCallCommands.ImportAsync(db, danaUser, AuditActor.From(danaUser, null), now, "payments-z-page",
                await ana.GetStringAsync("/api/oncall/schedules/payments-z-api/yaml"), CancellationToken.None)).Outcome);
        }
        var unchanged = (await ana.GetFromJsonAsync<OnCallScheduleView>("/api/oncall/schedules/payments-z-api", JsonSerializerOptions.Web))!;
        Assert.Equal(JsonSerializer.Serialize(apiView.Layers), JsonSerializer.Serialize(unchanged.Layers));
        await AuditAssert.RecordedAsync(factory, "oncall.schedule.saved", "payments-z-page", "dana.kim", "denied");

        // Removed through the API: the rotation's person (ana) is on call again.
        var removed = await ana.DeleteAsync("/api/oncall/schedules/payments-z-api/layers/0/overrides/0");
        Assert.Equal(HttpStatusCode.OK, removed.StatusCode);
        Assert.Equal("ana.silva", (await removed.Content.ReadFromJsonAsync<OnCallScheduleView>(JsonSerializerOptions.Web))!.Now[0].User);
    }
}
