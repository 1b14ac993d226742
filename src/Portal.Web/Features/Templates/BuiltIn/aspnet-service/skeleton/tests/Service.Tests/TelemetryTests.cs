using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Service.Tests;

public sealed class TelemetryTests(WebApplicationFactory<Program> factory) : IClassFixture<WebApplicationFactory<Program>>
{
    [Fact]
    public void OpenTelemetry_providers_are_registered()
    {
        Assert.NotNull(factory.Services.GetService<MeterProvider>());
        Assert.NotNull(factory.Services.GetService<TracerProvider>());
    }

    // The SLOs in openslo.yaml are computed from this metric: a request must record it with its route.
    [Fact]
    public async Task A_request_records_http_server_request_duration_with_its_route()
    {
        var client = factory.CreateClient();
        // Meters from this app's IMeterFactory only: other test classes run their own apps in parallel.
        var meterFactory = factory.Services.GetRequiredService<IMeterFactory>();
        var recorded = new TaskCompletionSource<(double Seconds, object? StatusCode)>(TaskCreationOptions.RunContinuationsAsynchronously);

        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, meterListener) =>
        {
            if (instrument.Meter.Scope == meterFactory
                && instrument.Meter.Name == "Microsoft.AspNetCore.Hosting"
                && instrument.Name == "http.server.request.duration")
            {
                meterListener.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((_, seconds, tags, _) =>
        {
            string? route = null;
            object? statusCode = null;
            foreach (var tag in tags)
            {
                if (tag.Key == "http.route")
                {
                    route = tag.Value as string;
                }
                else if (tag.Key == "http.response.status_code")
                {
                    statusCode = tag.Value;
                }
            }
            if (route == "/hello/{name}")
            {
                recorded.TrySetResult((seconds, statusCode));
            }
        });
        listener.Start();

        using var response = await client.GetAsync("/hello/slo");
        response.EnsureSuccessStatusCode();

        // The measurement is recorded as the request ends, which may be just after the client has its response.
        var (duration, status) = await recorded.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(duration > 0);
        Assert.Equal(200, Convert.ToInt32(status, System.Globalization.CultureInfo.InvariantCulture));
    }
}
