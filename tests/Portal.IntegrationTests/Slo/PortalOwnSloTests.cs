using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using Portal.Web.Features.Slo;

namespace Portal.IntegrationTests.Slo;

/// <summary>
/// The portal measures itself (the guide's M1): the requests it serves reach its own availability SLO on the catalog
/// component <c>portal</c> through its in-process metric reader, with no collector in between.
/// </summary>
public sealed class PortalOwnSloTests(PortalOwnSloTests.Portal portal) : IClassFixture<PortalOwnSloTests.Portal>
{
    private readonly PortalAppFactory _factory = portal.Factory;

    public sealed class Portal : IAsyncLifetime
    {
        public PortalAppFactory Factory { get; } = new();
        public async Task InitializeAsync() => await Factory.SeedDemoAsync();
        public async Task DisposeAsync() => await Factory.DisposeAsync();
    }

    [Fact]
    public async Task The_portals_own_slo_shows_the_requests_it_served()
    {
        using var admin = _factory.AdminClient();
        var created = await admin.PostAsJsonAsync("/api/slos", new
        {
            name = "control-plane-availability", component = "portal", indicator = "availability", target = 0.999m,
            window = new { kind = "rolling", days = 28 },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var slo = (await created.Content.ReadFromJsonAsync<SloView>(JsonSerializerOptions.Web))!;

        // Traffic like a test suite's: pages of the API, a refused request (4xx is not the portal's failure).
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync(new Uri("/api/slos", UriKind.Relative))).StatusCode);
        }
        using var anonymous = _factory.AnonymousClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(new Uri("/api/slos", UriKind.Relative))).StatusCode);

        // The reader exports every 30 s; flushing it is that tick, now.
        Assert.True(_factory.Services.GetRequiredService<MeterProvider>().ForceFlush(30_000));

        var view = (await admin.GetFromJsonAsync<SloView>(new Uri($"/api/slos/{slo.Id}", UriKind.Relative), JsonSerializerOptions.Web))!;
        Assert.True(view.TotalEvents >= 21, $"{view.TotalEvents} requests counted");
        Assert.NotNull(view.Sli);
        Assert.NotEqual("no-data", view.Status);
    }
}
