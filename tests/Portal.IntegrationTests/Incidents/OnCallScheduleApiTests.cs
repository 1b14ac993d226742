using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Portal.TestSupport;
using Portal.Web.Features.Incidents;

namespace Portal.IntegrationTests.Incidents;

/// <summary>
/// Schedule overrides and YAML export/import through the API: an override decides who is on call now; the export
/// imports back to the same schedule; bad YAML is a 400 naming its line (never a 500); the size is limited; a member
/// imports only for their own teams.
/// </summary>
public sealed class OnCallScheduleApiTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>, IAsyncLifetime
{
    private string _ana = "", _dana = "";

    public async Task InitializeAsync()
    {
        await factory.SeedDemoAsync();
        (_, _ana) = await factory.UserWithTokenAsync("ana.silva", "ana.silva@northwind.example"); // payments
        (_, _dana) = await factory.UserWithTokenAsync("dana.kim", "dana.kim@northwind.example");  // checkout
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task An_override_is_on_call_now_and_the_yaml_export_imports_back_while_bad_yaml_and_other_teams_are_refused()
    {
        using var ana = factory.ClientWithToken(_ana);
        using var dana = factory.ClientWithToken(_dana);
        var now = DateTimeOffset.UtcNow;
        var schedule = new
        {
            team = "group:default/payments",
            layers = new object[]
            {
                new
                {
                    name = "Primary", users = new[] { "ana.silva", "ben.okafor" }, rotationStart = now.AddDays(-1), handoffHours = 168, escalateAfterMinutes = 5,
                    overrides = new[] { new { user = "chen.wei", startsAt = now.AddHours(-1), endsAt = now.AddHours(2) } },
                },
                new { name = "Secondary", users = new[] { "chen.wei" }, rotationStart = now.AddDays(-1), handoffHours = 24, escalateAfterMinutes = 15 },
            },
        };
        var saved = await ana.PutAsJsonAsync("/api/oncall/schedules/payments-yaml", schedule);
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        var view = (await saved.Content.ReadFromJsonAsync<OnCallScheduleView>(JsonSerializerOptions.Web))!;
        // chen covers ana's turn now, until the override ends.
        Assert.Equal("chen.wei", view.Now[0].User);
        Assert.Equal(now.AddHours(2).ToUnixTimeSeconds(), view.Now[0].Until.ToUnixTimeSeconds());

        var export = await ana.GetAsync("/api/oncall/schedules/payments-yaml/yaml");
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        Assert.Equal("application/yaml", export.Content.Headers.ContentType?.MediaType);
        var yaml = await export.Content.ReadAsStringAsync();
        Assert.Contains("overrides:", yaml, StringComparison.Ordinal);

        // Round trip: imported under another name, the same team, layers and overrides.
        var imported = await ana.PutAsync("/api/oncall/schedules/payments-yaml-copy/yaml", Yaml(yaml));
        Assert.Equal(HttpStatusCode.OK, imported.StatusCode);
        var copy = (await imported.Content.ReadFromJsonAsync<OnCallScheduleView>(JsonSerializerOptions.Web))!;
        Assert.Equal(view.Team, copy.Team);
        Assert.Equal(JsonSerializer.Serialize(view.Layers), JsonSerializer.Serialize(copy.Layers));
        Assert.Equal(view.Now, copy.Now);

        // Bad YAML: 400 with the line, and nothing changed.
        var broken = await ana.PutAsync("/api/oncall/schedules/payments-yaml/yaml", Yaml("team: group:default/payments\nlayers:\n  - name: Primary\n    handoffHours: weekly\n"));
        Assert.Equal(HttpStatusCode.BadRequest, broken.StatusCode);
        Assert.Contains("Line 4", await broken.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var invalid = await ana.PutAsync("/api/oncall/schedules/payments-yaml/yaml", Yaml("team: group:default/payments\nlayers: []\n"));
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Contains("layers", await invalid.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var tooBig = await ana.PutAsync("/api/oncall/schedules/payments-yaml/yaml", Yaml("# " + new string('x', OnCallScheduleYaml.MaxBytes) + "\n" + yaml));
        Assert.Equal(HttpStatusCode.BadRequest, tooBig.StatusCode);
        Assert.Contains("64 KiB", await tooBig.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var unchanged = (await ana.GetFromJsonAsync<OnCallScheduleView>("/api/oncall/schedules/payments-yaml", JsonSerializerOptions.Web))!;
        Assert.Equal(JsonSerializer.Serialize(view.Layers), JsonSerializer.Serialize(unchanged.Layers));

        // dana (checkout) may read it, but not import it over payments' schedule nor import one for payments.
        Assert.Equal(HttpStatusCode.OK, (await dana.GetAsync("/api/oncall/schedules/payments-yaml/yaml")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await dana.PutAsync("/api/oncall/schedules/payments-yaml/yaml", Yaml(yaml))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await dana.PutAsync("/api/oncall/schedules/danas-payments/yaml", Yaml(yaml))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await dana.GetAsync("/api/oncall/schedules/danas-payments/yaml")).StatusCode);
        await AuditAssert.RecordedAsync(factory, "oncall.schedule.saved", "danas-payments", "dana.kim", "denied");
    }

    private static StringContent Yaml(string text) => new(text, Encoding.UTF8, "application/yaml");
}
