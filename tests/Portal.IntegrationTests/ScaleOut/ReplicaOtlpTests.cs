using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using Portal.IntegrationTests.Foundation;
using Portal.TestSupport;
using Portal.Web.Features.Slo;
using Portal.Web.Features.Slo.Ingestion;

namespace Portal.IntegrationTests.ScaleOut;

/// <summary>
/// OTLP ingestion on two replicas (issue 25): the OpenTelemetry SDK's exporter behind a round-robin load balancer, so
/// each service's cumulative streams reach both replicas in turn, and one replica killed with SIGKILL while exports are
/// in flight. Every request the services recorded is counted exactly once.
/// </summary>
[Collection(PortalProcessCollection.Name)]
public sealed class ReplicaOtlpTests
{
    private static readonly string[] Services = ["replica-cart", "replica-orders"];

    [Fact]
    public async Task Streams_exported_alternately_to_two_replicas_and_a_replica_killed_mid_load_count_each_request_once()
    {
        Assert.NotEqual(StreamPartitions.Of(Services[0]), StreamPartitions.Of(Services[1])); // they ingest in parallel
        await using var replicas = await PortalReplicas.StartAsync(2);
        using var admin = replicas.AdminClient();
        foreach (var service in Services)
        {
            var created = await admin.PostAsJsonAsync("/api/catalog/entities", JsonNode.Parse($$"""
                {"apiVersion": "backstage.io/v1alpha1", "kind": "Component", "metadata": {"name": "{{service}}"},
                 "spec": {"type": "service", "lifecycle": "production", "owner": "team-x"} }
                """));
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }
        var served = new ConcurrentBag<string>();
        var clients = Services.Select(s => new ServiceClient(s, replicas, served)).ToList();
        try
        {
            for (var round = 0; round < 16; round++)
            {
                foreach (var client in clients)
                {
                    client.Record(round);
                }
                var flushes = clients.Select(c => Task.Run(c.Flush)).ToList();
                if (round == 8)
                {
                    // SIGKILL while both exports of this round are on their way (one of them, or both, at replica 0).
                    await replicas.KillAsync(0);
                }
                await Task.WhenAll(flushes);
            }
            // The streams are cumulative: the first export that succeeds after a failed one carries what that one lost.
            foreach (var client in clients)
            {
                await Wait.UntilAsync(client.Flush, TimeSpan.FromSeconds(60), $"an export of {client.Service} to succeed");
            }

            Assert.Contains(ReplicaProxy.DestinationId(0), served);
            Assert.Contains(ReplicaProxy.DestinationId(1), served);
            using var survivor = replicas.AdminClient(replicas[1].BaseAddress);
            foreach (var client in clients)
            {
                var red = await survivor.GetFromJsonAsync<List<RedPoint>>(
                    $"/api/slo/services/default/{client.Service}/red?from={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddHours(-1).ToString("O"))}",
                    JsonSerializerOptions.Web);
                Assert.Equal((client.Requests, client.Errors), (red!.Sum(p => p.Requests), red!.Sum(p => p.Errors)));
            }
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
    }

    /// <summary>One service with the SDK: a histogram of request durations exported (cumulative) through the proxy when flushed.</summary>
    private sealed class ServiceClient : IDisposable
    {
        private readonly Meter _meter;
        private readonly Histogram<double> _duration;
        private readonly MeterProvider _provider;

        public ServiceClient(string service, PortalReplicas replicas, ConcurrentBag<string> served)
        {
            Service = service;
            _meter = new Meter($"replica-load-{service}");
            _duration = _meter.CreateHistogram<double>("http.server.request.duration", "s");
            _provider = Sdk.CreateMeterProviderBuilder()
                .ConfigureResource(r => r.AddService(service))
                .AddMeter(_meter.Name)
                .AddOtlpExporter((exporter, reader) =>
                {
                    exporter.Protocol = OtlpExportProtocol.HttpProtobuf;
                    exporter.Endpoint = new Uri(replicas.Proxy.BaseAddress, "v1/metrics");
                    exporter.Headers = $"Authorization=Bearer {replicas.AdminToken}";
                    exporter.HttpClientFactory = () => new HttpClient(new ServedBy(served)) { Timeout = TimeSpan.FromSeconds(30) };
                    reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = 3_600_000;
                    reader.TemporalityPreference = MetricReaderTemporalityPreference.Cumulative;
                })
                .Build()!;
        }

        public string Service { get; }
        public long Requests { get; private set; }
        public long Errors { get; private set; }

        /// <summary>A round's requests: a few routes, some failing, a spread of durations.</summary>
        public void Record(int round)
        {
            string[] routes = ["/orders", "/orders/{id}", "/health"];
            for (var i = 0; i < 25 + round; i++)
            {
                var failed = (i + round) % 7 == 0;
                _duration.Record(0.001 * (1 + (i * 37 % 400)),
                    new KeyValuePair<string, object?>("http.route", routes[i % routes.Length]),
                    new KeyValuePair<string, object?>("http.response.status_code", failed ? 503 : 200));
                Requests++;
                Errors += failed ? 1 : 0;
            }
        }

        public bool Flush() => _provider.ForceFlush(30_000);

        public void Dispose()
        {
            _provider.Dispose();
            _meter.Dispose();
        }
    }

    /// <summary>Notes which replica answered each export (the proxy says so in a header).</summary>
    private sealed class ServedBy(ConcurrentBag<string> served) : DelegatingHandler(new HttpClientHandler())
    {
        protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Note(base.Send(request, cancellationToken));

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Note(await base.SendAsync(request, cancellationToken));

        private HttpResponseMessage Note(HttpResponseMessage response)
        {
            if (response.Headers.TryGetValues(ReplicaProxy.ReplicaHeader, out var values))
            {
                served.Add(values.Single());
            }
            return response;
        }
    }
}
