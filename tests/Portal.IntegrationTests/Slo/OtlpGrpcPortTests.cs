using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using Portal.IntegrationTests.Foundation;
using Portal.TestSupport;
using Portal.Web.Features.Identity;
using Portal.Web.Features.Slo;
using Portal.Web.Features.Slo.Otlp.Collector;
using Portal.Web.Features.Slo.Otlp.Metrics;

namespace Portal.IntegrationTests.Slo;

/// <summary>
/// The OTLP/gRPC port of a real portal process, attacked from outside: it must serve the OTLP service and nothing else,
/// listen only where the web addresses do, answer refused calls with gRPC statuses, and a taken port must not end in a
/// stack trace.
/// </summary>
[Collection(PortalProcessCollection.Name)]
public sealed class OtlpGrpcPortTests
{
    private const string Service = "search-api-service";

    private static readonly Method<ExportMetricsServiceRequest, ExportMetricsServiceResponse> Export = new(
        MethodType.Unary, MetricsService.Descriptor.FullName, "Export",
        Marshallers.Create(r => r.ToByteArray(), ExportMetricsServiceRequest.Parser.ParseFrom),
        Marshallers.Create(r => r.ToByteArray(), ExportMetricsServiceResponse.Parser.ParseFrom));

    [Fact]
    public async Task Pages_and_the_api_are_not_served_over_h2c_on_the_grpc_port_while_the_otlp_export_still_works()
    {
        var dir = TestCluster.NewDataDirectory("portal");
        var token = ApiTokenSecret.New();
        var grpcPort = PortalProcess.FreePort();
        try
        {
            await using var portal = await PortalProcess.StartAsync(dir, new Dictionary<string, string?>
            {
                ["Portal__BootstrapAdminToken"] = token,
                ["Portal__Slo__GrpcPort"] = Text(grpcPort),
            });
            using var web = Client(portal.BaseAddress, token);
            using var h2c = new HttpClient
            {
                BaseAddress = new Uri($"http://127.0.0.1:{grpcPort}/"),
                DefaultRequestVersion = HttpVersion.Version20,
                DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            };
            h2c.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

            // The attack: the whole application over HTTP/2 cleartext on the gRPC port, past a loopback-only web
            // address or a TLS proxy. Each of these answers on the web port.
            foreach (var path in new[] { "/", "/catalog", "/account/login", "/api/identity/me", "/api/catalog/entities", "/health/ready", "/openapi/v1.json", "/hangfire" })
            {
                using var response = await h2c.GetAsync(new Uri(path, UriKind.Relative));
                Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{path} on the gRPC port answered {(int)response.StatusCode}");
                Assert.Equal(HttpVersion.Version20, response.Version);
                Assert.Empty(await response.Content.ReadAsByteArrayAsync());
            }
            Assert.Equal(HttpStatusCode.OK, (await web.GetAsync(new Uri("/api/identity/me", UriKind.Relative))).StatusCode);

            // A write through the gRPC port with an admin token is refused, and nothing was registered.
            var entity = new { apiVersion = "backstage.io/v1alpha1", kind = "Component", metadata = new { name = "through-grpc-port" },
                spec = new { type = "service", lifecycle = "production", owner = "group:default/payments" } };
            using (var write = await h2c.PostAsJsonAsync(new Uri("/api/catalog/entities", UriKind.Relative), entity))
            {
                Assert.Equal(HttpStatusCode.NotFound, write.StatusCode);
            }
            Assert.Equal(HttpStatusCode.NotFound, (await web.GetAsync(new Uri("/api/catalog/entities/by-name/component/default/through-grpc-port", UriKind.Relative))).StatusCode);
            // OTLP/HTTP belongs to the web port too.
            using (var otlpHttp = await h2c.PostAsync(new Uri("/v1/metrics", UriKind.Relative), Protobuf(Request(10))))
            {
                Assert.Equal(HttpStatusCode.NotFound, otlpHttp.StatusCode);
            }
            // And the gRPC service is not served on the web port.
            using (var grpcOnWeb = await web.PostAsync(new Uri($"/{MetricsService.Descriptor.FullName}/Export", UriKind.Relative), Grpc(Request(10))))
            {
                Assert.Equal(HttpStatusCode.NotFound, grpcOnWeb.StatusCode);
            }
            Assert.Equal((0L, 0L), await CountsAsync(web));

            // The real exporter still delivers over gRPC with the ingest token.
            using var meter = new Meter("otlp-grpc-port-test");
            var duration = meter.CreateHistogram<double>("http.server.request.duration", "s");
            using (var provider = Sdk.CreateMeterProviderBuilder()
                .ConfigureResource(r => r.AddService(Service))
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
                for (var i = 0; i < 20; i++)
                {
                    duration.Record(0.02, new KeyValuePair<string, object?>("http.response.status_code", i < 2 ? 500 : 200));
                }
                Assert.True(provider.ForceFlush(30_000), "the gRPC export should succeed");
            }
            Assert.Equal((20L, 2L), await CountsAsync(web));
        }
        finally
        {
            TestCluster.TryDelete(dir);
        }
    }

    [Fact]
    public async Task A_grpc_export_without_a_valid_ingest_token_gets_unauthenticated_not_a_redirect_and_counts_nothing()
    {
        var dir = TestCluster.NewDataDirectory("portal");
        var token = ApiTokenSecret.New();
        var grpcPort = PortalProcess.FreePort();
        try
        {
            await using var portal = await PortalProcess.StartAsync(dir, new Dictionary<string, string?>
            {
                ["Portal__BootstrapAdminToken"] = token,
                ["Portal__Slo__GrpcPort"] = Text(grpcPort),
            });
            using var web = Client(portal.BaseAddress, token);
            var created = await web.PostAsJsonAsync("/api/identity/tokens",
                new CreateTokenRequest("catalog-reader", ApiTokenKind.Service, [PortalScopes.CatalogRead], null, 30));
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            var readOnly = (await created.Content.ReadFromJsonAsync<CreatedToken>())!.Token;
            using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{grpcPort}");
            var calls = channel.CreateCallInvoker();

            var anonymous = await Assert.ThrowsAsync<RpcException>(() => calls.AsyncUnaryCall(Export, null, new CallOptions(), Request(10)).ResponseAsync);
            var forged = await Assert.ThrowsAsync<RpcException>(() =>
                calls.AsyncUnaryCall(Export, null, new CallOptions(Bearer(ApiTokenSecret.New())), Request(10)).ResponseAsync);
            var wrongScope = await Assert.ThrowsAsync<RpcException>(() => calls.AsyncUnaryCall(Export, null, new CallOptions(Bearer(readOnly)), Request(10)).ResponseAsync);

            Assert.Equal(StatusCode.Unauthenticated, anonymous.StatusCode);
            Assert.Contains("slo:ingest", anonymous.Status.Detail, StringComparison.Ordinal);
            Assert.Equal(StatusCode.Unauthenticated, forged.StatusCode);
            Assert.Equal(StatusCode.PermissionDenied, wrongScope.StatusCode);
            Assert.Equal((0L, 0L), await CountsAsync(web));

            // The same export with the ingest token is taken, and counted once: the refused ones left nothing behind.
            var accepted = await calls.AsyncUnaryCall(Export, null, new CallOptions(Bearer(token)), Request(10)).ResponseAsync;
            Assert.Null(accepted.PartialSuccess);
            Assert.Equal((10L, 1L), await CountsAsync(web));
        }
        finally
        {
            TestCluster.TryDelete(dir);
        }
    }

    [Fact]
    public async Task The_grpc_port_listens_only_where_the_web_address_does_or_where_it_is_configured()
    {
        var dir = TestCluster.NewDataDirectory("portal");
        var token = ApiTokenSecret.New();
        var followingPort = PortalProcess.FreePort();
        try
        {
            // PortalProcess binds the web address to 127.0.0.1; the gRPC port follows it and is not on 127.0.0.2
            // (the loopback range answers there for anything bound to every interface).
            await using (await PortalProcess.StartAsync(dir, new Dictionary<string, string?>
            {
                ["Portal__BootstrapAdminToken"] = token,
                ["Portal__Slo__GrpcPort"] = Text(followingPort),
            }))
            {
                Assert.True(await AcceptsAsync("127.0.0.1", followingPort));
                Assert.False(await AcceptsAsync("127.0.0.2", followingPort), "the gRPC port listens beyond the web address's host");
            }

            var configuredPort = PortalProcess.FreePort();
            await using var portal = await PortalProcess.StartAsync(dir, new Dictionary<string, string?>
            {
                ["Portal__BootstrapAdminToken"] = token,
                ["Portal__Slo__GrpcPort"] = Text(configuredPort),
                ["Portal__Slo__GrpcAddress"] = "127.0.0.2",
            });
            Assert.True(await AcceptsAsync("127.0.0.2", configuredPort));
            Assert.False(await AcceptsAsync("127.0.0.1", configuredPort), "the gRPC port listens beyond Portal:Slo:GrpcAddress");
            using var channel = GrpcChannel.ForAddress($"http://127.0.0.2:{configuredPort}");
            await channel.CreateCallInvoker().AsyncUnaryCall(Export, null, new CallOptions(Bearer(token)), Request(10)).ResponseAsync;
            using var web = Client(portal.BaseAddress, token);
            Assert.Equal((10L, 1L), await CountsAsync(web));
        }
        finally
        {
            TestCluster.TryDelete(dir);
        }
    }

    [Fact]
    public async Task In_production_a_taken_grpc_port_stops_start_up_with_one_line_naming_the_setting()
    {
        var dir = TestCluster.NewDataDirectory("portal");
        // Something else (a collector, another portal) already listens on the port.
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var taken = ((IPEndPoint)holder.LocalEndpoint).Port;
        try
        {
            await using var portal = PortalProcess.Launch(dir, new Dictionary<string, string?>
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Production",
                ["Portal__Slo__GrpcPort"] = Text(taken),
            });

            Assert.Equal(1, await portal.WaitForExitAsync(TimeSpan.FromMinutes(1)));
            var lines = portal.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var line = Assert.Single(lines);
            Assert.Contains($"Portal:Slo:GrpcPort {taken} is already in use at 127.0.0.1:{taken}", line, StringComparison.Ordinal);
            Assert.Contains("or to 0 to turn the OTLP/gRPC receiver off", line, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", portal.Output, StringComparison.Ordinal);
        }
        finally
        {
            TestCluster.TryDelete(dir);
        }
    }

    [Fact]
    public async Task In_development_a_second_portal_on_the_same_grpc_port_runs_without_grpc_and_warns_naming_the_setting()
    {
        var firstDir = TestCluster.NewDataDirectory("portal");
        var secondDir = TestCluster.NewDataDirectory("portal");
        var token = ApiTokenSecret.New();
        var grpcPort = PortalProcess.FreePort();
        try
        {
            await using var first = await PortalProcess.StartAsync(firstDir, new Dictionary<string, string?>
            {
                ["Portal__BootstrapAdminToken"] = token,
                ["Portal__Slo__GrpcPort"] = Text(grpcPort),
            });

            // `dotnet run` on the same machine: Development, another web port, the same gRPC port.
            await using var second = await PortalProcess.StartAsync(secondDir, new Dictionary<string, string?>
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Development",
                ["Portal__BootstrapAdminToken"] = token,
                ["Portal__Slo__GrpcPort"] = Text(grpcPort),
            });

            Assert.Contains($"Portal:Slo:GrpcPort {grpcPort} is already in use at 127.0.0.1:{grpcPort}", second.Output, StringComparison.Ordinal);
            Assert.Contains("The OTLP/gRPC receiver is off for this run", second.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", second.Output, StringComparison.Ordinal);
            Assert.False(second.HasExited);
            // The port is still the first portal's: its exports land there, not in the second one.
            using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{grpcPort}");
            await channel.CreateCallInvoker().AsyncUnaryCall(Export, null, new CallOptions(Bearer(token)), Request(10)).ResponseAsync;
            using var firstWeb = Client(first.BaseAddress, token);
            using var secondWeb = Client(second.BaseAddress, token);
            Assert.Equal((10L, 1L), await CountsAsync(firstWeb));
            Assert.Equal((0L, 0L), await CountsAsync(secondWeb));
            // OTLP/HTTP on the second portal works as usual.
            using var otlpHttp = await secondWeb.PostAsync(new Uri("/v1/metrics", UriKind.Relative), Protobuf(Request(10)));
            Assert.Equal(HttpStatusCode.OK, otlpHttp.StatusCode);
            Assert.Equal((10L, 1L), await CountsAsync(secondWeb));
        }
        finally
        {
            TestCluster.TryDelete(firstDir);
            TestCluster.TryDelete(secondDir);
        }
    }

    private static string Text(int port) => port.ToString(CultureInfo.InvariantCulture);

    private static HttpClient Client(Uri baseAddress, string token)
    {
        var client = new HttpClient { BaseAddress = baseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static Metadata Bearer(string token) => new() { { "authorization", "Bearer " + token } };

    /// <summary>One minute's <c>http.server.request.duration</c> of the demo's search API: <paramref name="count"/> requests, one of them a 500.</summary>
    private static ExportMetricsServiceRequest Request(ulong count)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000;
        var histogram = new Histogram { AggregationTemporality = Portal.Web.Features.Slo.Otlp.Metrics.AggregationTemporality.Delta };
        foreach (var (status, n) in new[] { (200L, count - 1), (500L, 1UL) })
        {
            var point = new HistogramDataPoint { TimeUnixNano = (ulong)now, StartTimeUnixNano = (ulong)(now - 60_000_000_000), Count = n, Sum = 0.02 * n };
            point.BucketCounts.AddRange([n, 0]);
            point.ExplicitBounds.Add(0.1);
            point.Attributes.Add(new Portal.Web.Features.Slo.Otlp.Common.KeyValue
            {
                Key = "http.response.status_code",
                Value = new Portal.Web.Features.Slo.Otlp.Common.AnyValue { IntValue = status },
            });
            histogram.DataPoints.Add(point);
        }
        return OtlpExports.RequestDurations(Service, histogram);
    }

    private static ByteArrayContent Protobuf(ExportMetricsServiceRequest request)
    {
        var content = new ByteArrayContent(request.ToByteArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        return content;
    }

    /// <summary>A gRPC message frame (uncompressed flag, big-endian length, message) as a gRPC client sends it.</summary>
    private static ByteArrayContent Grpc(ExportMetricsServiceRequest request)
    {
        var message = request.ToByteArray();
        var frame = new byte[5 + message.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(1), message.Length);
        message.CopyTo(frame, 5);
        var content = new ByteArrayContent(frame);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        return content;
    }

    /// <summary>The requests and errors the portal counted for the service in the last hour.</summary>
    private static async Task<(long Requests, long Errors)> CountsAsync(HttpClient web)
    {
        var red = await web.GetFromJsonAsync<List<RedPoint>>(
            $"/api/slo/services/default/{Service}/red?from={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddHours(-1).ToString("O"))}", JsonSerializerOptions.Web);
        return (red!.Sum(p => p.Requests), red!.Sum(p => p.Errors));
    }

    private static async Task<bool> AcceptsAsync(string host, int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Parse(host), port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
