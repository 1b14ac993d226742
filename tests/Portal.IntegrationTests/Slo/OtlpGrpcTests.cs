using System.Diagnostics.Metrics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using Portal.IntegrationTests.Foundation;
using Portal.TestSupport;
using Portal.Web.Features.Identity;
using Portal.Web.Features.Slo;

namespace Portal.IntegrationTests.Slo;

/// <summary>The OpenTelemetry .NET SDK's default protocol, OTLP/gRPC, against the real portal process on its HTTP/2 port.</summary>
[Collection(PortalProcessCollection.Name)]
public sealed class OtlpGrpcTests
{
    [Fact]
    public async Task The_sdk_exports_over_grpc_to_the_portals_http2_port_and_the_requests_are_counted()
    {
        var dir = TestCluster.NewDataDirectory("portal");
        var token = ApiTokenSecret.New();
        var grpcPort = PortalProcess.FreePort();
        try
        {
            await using var portal = await PortalProcess.StartAsync(dir, new Dictionary<string, string?>
            {
                ["Portal__BootstrapAdminToken"] = token,
                ["Portal__Slo__GrpcPort"] = grpcPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            });
            using var meter = new Meter("otlp-grpc-test");
            var duration = meter.CreateHistogram<double>("http.server.request.duration", "s");
            using (var provider = Sdk.CreateMeterProviderBuilder()
                .ConfigureResource(r => r.AddService("search-api-service"))
                .AddMeter(meter.Name)
                .AddOtlpExporter((exporter, reader) =>
                {
                    exporter.Protocol = OtlpExportProtocol.Grpc;
                    exporter.Endpoint = new Uri($"http://127.0.0.1:{grpcPort}");
                    exporter.Headers = $"Authorization=Bearer {token}";
                    reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = 3_600_000;
                })
                .Build())
            {
                for (var i = 0; i < 40; i++)
                {
                    duration.Record(0.02, new KeyValuePair<string, object?>("http.response.status_code", i < 3 ? 500 : 200));
                }
                Assert.True(provider.ForceFlush(30_000), "the gRPC export should succeed");
            }

            using var client = new HttpClient { BaseAddress = portal.BaseAddress };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            var red = await client.GetFromJsonAsync<List<RedPoint>>(
                $"/api/slo/services/default/search-api-service/red?from={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddHours(-1).ToString("O"))}", JsonSerializerOptions.Web);
            Assert.Equal((40L, 3L), (red!.Sum(p => p.Requests), red!.Sum(p => p.Errors)));

            // Without a token the gRPC call is refused, so the export fails.
            using var anonymous = Sdk.CreateMeterProviderBuilder().AddMeter(meter.Name)
                .AddOtlpExporter((exporter, _) => { exporter.Protocol = OtlpExportProtocol.Grpc; exporter.Endpoint = new Uri($"http://127.0.0.1:{grpcPort}"); })
                .Build();
            duration.Record(0.02);
            Assert.False(anonymous.ForceFlush(30_000));
        }
        finally
        {
            TestCluster.TryDelete(dir);
        }
    }

    [Fact]
    public async Task With_the_grpc_port_on_the_portal_still_serves_on_aspnetcore_http_ports_as_the_container_image_sets_it()
    {
        var dir = TestCluster.NewDataDirectory("portal");
        var port = PortalProcess.FreePort();
        try
        {
            // The .NET container images set ASPNETCORE_HTTP_PORTS, not ASPNETCORE_URLS.
            await using var portal = await PortalProcess.StartAsync(port, dir, new Dictionary<string, string?>
            {
                ["ASPNETCORE_URLS"] = null,
                ["ASPNETCORE_HTTP_PORTS"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                // The gRPC port would follow the web port onto every interface; tests keep it on loopback.
                ["Portal__Slo__GrpcAddress"] = "127.0.0.1",
            });
            using var client = new HttpClient { BaseAddress = portal.BaseAddress };

            Assert.Equal(System.Net.HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
        }
        finally
        {
            TestCluster.TryDelete(dir);
        }
    }
}
