using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using Portal.TestSupport;
using Portal.Web.Features.Identity;
using Portal.Web.Features.Slo;

namespace Portal.IntegrationTests.Slo;

/// <summary>
/// An ASP.NET Core app's own <c>http.server.request.duration</c> (ASP.NET Core's meter, exported by the real OpenTelemetry
/// SDK) drives an availability and a latency SLO whose figures are exactly the requests the test made. ASP.NET Core's
/// meter is process-wide, so the test runs alone (other tests' portals would add their requests).
/// </summary>
[Collection(Portal.IntegrationTests.Cost.ProcessWideCollection.Name)]
public sealed class AspNetCoreAppSloTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>, IAsyncLifetime
{
    private string _ingest = "";

    public async Task InitializeAsync()
    {
        await factory.SeedDemoAsync();
        (_, _ingest) = await factory.UserWithTokenAsync("ingest-app", roles: [PortalRoles.Admin], scopes: [PortalScopes.SloIngest]);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task The_apps_requests_are_the_slos_events_good_bad_fast_and_slow()
    {
        using var admin = factory.AdminClient();
        foreach (var request in new object[]
        {
            new { name = "product-availability", component = "product-service", indicator = "availability", target = 0.99m },
            new { name = "product-latency", component = "product-service", indicator = "latency", thresholdSeconds = 1m, target = 0.9m },
        })
        {
            Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/slos", request)).StatusCode);
        }

        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("product-service"))
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddView("http.server.request.duration", new ExplicitBucketHistogramConfiguration { Boundaries = [0.005, 0.05, 0.25, 0.5, 1, 5] })
                .AddOtlpExporter((exporter, reader) => PortalExporter.Configure(exporter, reader, factory, _ingest)));
        await using var app = builder.Build();
        app.MapGet("/fast", () => "fast");
        app.MapGet("/slow", async () =>
        {
            await Task.Delay(1500);
            return "slow";
        });
        app.MapGet("/broken", () => Results.StatusCode(StatusCodes.Status503ServiceUnavailable));
        app.MapGet("/missing", () => Results.NotFound());
        await app.StartAsync();
        // ASP.NET Core records a request's duration when the request ends, which can be just after the client has the
        // response: the test waits until all 26 are recorded before flushing (else the last can miss the export).
        var recorded = 0;
        string[] routes = ["/fast", "/slow", "/broken", "/missing"];
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Microsoft.AspNetCore.Hosting" && instrument.Name == "http.server.request.duration")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((_, _, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "http.route" && routes.Contains(tag.Value as string))
                {
                    Interlocked.Increment(ref recorded);
                }
            }
        });
        listener.Start();
        using var http = app.GetTestClient();
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/fast")).StatusCode);
        }
        await Task.WhenAll(Enumerable.Range(0, 3).Select(async _ => Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/slow")).StatusCode)));
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.GetAsync("/broken")).StatusCode);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/missing")).StatusCode);
        await Wait.UntilAsync(() => Volatile.Read(ref recorded) >= 26, TimeSpan.FromSeconds(30), "the app to record its 26 requests");
        Assert.True(app.Services.GetRequiredService<MeterProvider>().ForceFlush(30_000));

        var slos = (await admin.GetFromJsonAsync<List<SloView>>("/api/slos?service=product-service", JsonSerializerOptions.Web))!;
        // 26 requests: 2 server errors (the 404 is not one); 3 took 1.5 s, over the 1 s threshold, a bucket bound (1 s, not
        // 250 ms: a fast request's first call on a loaded machine, paying the JIT, can take longer than 250 ms).
        var availability = slos.Single(s => s.Indicator == SliKinds.Availability);
        Assert.Equal((24L, 26L), (availability.GoodEvents, availability.TotalEvents));
        var latency = slos.Single(s => s.Indicator == SliKinds.Latency);
        Assert.Equal((23L, 26L), (latency.GoodEvents, latency.TotalEvents));
        Assert.False(latency.Estimated);
    }
}
