using System.Diagnostics.Metrics;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text;
using Google.Protobuf;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using Portal.TestSupport;
using Portal.Web.Data;
using Portal.Web.Features.Identity;
using Portal.Web.Features.Slo;
using Portal.Web.Features.Slo.Otlp.Collector;
using Portal.Web.Features.Slo.Otlp.Common;
using Portal.Web.Features.Slo.Otlp.Metrics;
using Portal.Web.Features.Slo.Otlp.Resource;
using Portal.Web.Features.Slo.Otlp.Rpc;
using Portal.Web.Features.Slo.Ingestion;
using AggregationTemporality = Portal.Web.Features.Slo.Otlp.Metrics.AggregationTemporality;
using Histogram = Portal.Web.Features.Slo.Otlp.Metrics.Histogram;
using Metric = Portal.Web.Features.Slo.Otlp.Metrics.Metric;
using Resource = Portal.Web.Features.Slo.Otlp.Resource.Resource;

namespace Portal.IntegrationTests.Slo;

/// <summary>The OTLP/HTTP receiver with the real OpenTelemetry .NET SDK exporter as the client, and hand-made requests for the edges.</summary>
public sealed class OtlpReceiverTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>, IAsyncLifetime
{
    private static readonly double[] Bounds = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
    private string _ingest = "";

    public async Task InitializeAsync()
    {
        factory.Settings["Portal:Slo:MaxBodyBytes"] = "65536";
        await factory.SeedDemoAsync();
        (_, _ingest) = await factory.UserWithTokenAsync("ingest-admin", roles: [PortalRoles.Admin], scopes: [PortalScopes.SloIngest]);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task The_dotnet_sdk_exporter_sends_request_durations_that_become_per_minute_red_counts_without_double_counting()
    {
        using var meter = new Meter("otlp-test." + Guid.NewGuid().ToString("N"));
        var duration = meter.CreateHistogram<double>("http.server.request.duration", "s");
        using var provider = Sdk.CreateMeterProviderBuilder()
            .ConfigureResource(r => r.AddService("cart-service", serviceInstanceId: "cart-1"))
            .AddMeter(meter.Name)
            .AddView("http.server.request.duration", new ExplicitBucketHistogramConfiguration { Boundaries = Bounds })
            .AddOtlpExporter((exporter, reader) => PortalExporter.Configure(exporter, reader, factory, _ingest))
            .Build();

        Record(duration, 90, 0.02, 200);
        Record(duration, 10, 0.3, 503);
        Record(duration, 4, 0.008, 404);
        Assert.True(provider.ForceFlush(30_000));
        var first = await TotalsAsync("component:default/cart-service");
        Record(duration, 6, 0.02, 200);
        Assert.True(provider.ForceFlush(30_000));
        Assert.True(provider.ForceFlush(30_000)); // an export with nothing new: the same cumulative values again
        var second = await TotalsAsync("component:default/cart-service");

        Assert.Equal((104L, 10L), (first.Requests, first.Errors));
        Assert.Equal((110L, 10L), (second.Requests, second.Errors));
        Assert.Equal(4, second.Buckets["0.01"]);
        Assert.Equal(96, second.Buckets["0.025"]);
        Assert.Equal(10, second.Buckets["0.5"]);
        using var admin = factory.AdminClient();
        var coverage = await admin.GetFromJsonAsync<TelemetryCoverage>("/api/slo/coverage");
        Assert.Contains("component:default/cart-service", coverage!.ReportingComponents);
    }

    [Fact]
    public async Task Json_with_string_integers_and_unknown_fields_is_accepted_and_an_unknown_service_is_reported_not_dropped()
    {
        var now = OtlpReader.ToUnixNano(DateTimeOffset.UtcNow);
        var json = $$$"""
            {"resourceMetrics":[
              {"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"pricing-engine"}}]},"someFutureField":1,
               "scopeMetrics":[{"scope":{"name":"s"},"metrics":[{"name":"http.server.request.duration","unit":"s",
                 "histogram":{"aggregationTemporality":1,"dataPoints":[{"startTimeUnixNano":"{{{now - 60_000_000_000}}}","timeUnixNano":"{{{now}}}",
                   "count":"3","sum":0.3,"bucketCounts":["1","2"],"explicitBounds":[0.1],
                   "attributes":[{"key":"http.response.status_code","value":{"intValue":"500"}}]}]}}]}]},
              {"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"ghost-service"}}]},
               "scopeMetrics":[{"metrics":[{"name":"jobs","sum":{"aggregationTemporality":2,"isMonotonic":true,
                 "dataPoints":[{"asInt":"5","startTimeUnixNano":"{{{now - 1}}}","timeUnixNano":"{{{now}}}"},{"asDouble":1.5,"timeUnixNano":{{{now}}} }]}}]}]}
            ]}
            """;
        using var client = factory.ClientWithToken(_ingest);

        var response = await client.PostAsync("/v1/metrics", Gzip(Encoding.UTF8.GetBytes(json), "application/json"));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        var parsed = new JsonParser(JsonParser.Settings.Default).Parse<ExportMetricsServiceResponse>(body);
        Assert.Equal(2, parsed.PartialSuccess.RejectedDataPoints);
        Assert.Contains("'ghost-service' is not a component in the catalog", parsed.PartialSuccess.ErrorMessage, StringComparison.Ordinal);
        var totals = await TotalsAsync("component:default/pricing-engine");
        Assert.Equal((3L, 3L), (totals.Requests, totals.Errors));
        using var admin = factory.AdminClient();
        var coverage = await admin.GetFromJsonAsync<TelemetryCoverage>("/api/slo/coverage");
        var ghost = Assert.Single(coverage!.UnknownServices, u => u.ServiceName == "ghost-service");
        Assert.Equal(2, ghost.RejectedPoints);
    }

    [Fact]
    public async Task Individually_invalid_points_are_rejected_as_partial_success_and_the_valid_one_counts()
    {
        var now = OtlpReader.ToUnixNano(DateTimeOffset.UtcNow);
        var request = Request("order-service",
            Histogram(AggregationTemporality.Delta, Point(now, [2, 1], [0.1])),                                 // valid: 3 requests
            Histogram(AggregationTemporality.Unspecified, Point(now, [1, 1], [0.1])),                           // no temporality
            Histogram(AggregationTemporality.Delta, Point(now, [1, 1, 1], [0.1])),                              // 3 counts, 1 bound
            Histogram(AggregationTemporality.Delta, Point(0, [1, 1], [0.1])),                                   // no time
            Histogram(AggregationTemporality.Delta, Point(now + 3_600_000_000_000, [1, 1], [0.1])));           // an hour ahead
        using var client = factory.ClientWithToken(_ingest);

        var response = await client.PostAsync("/v1/metrics", Protobuf(request.ToByteArray()));
        var parsed = ExportMetricsServiceResponse.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(4, parsed.PartialSuccess.RejectedDataPoints);
        Assert.Contains("aggregation_temporality is unspecified", parsed.PartialSuccess.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("3 bucket counts for 1 bounds", parsed.PartialSuccess.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("no time_unix_nano", parsed.PartialSuccess.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("in the future", parsed.PartialSuccess.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(3L, (await TotalsAsync("component:default/order-service")).Requests);
    }

    [Fact]
    public async Task Not_a_number_values_are_rejected_and_a_hundred_thousand_attribute_sets_are_taken_in_one_export()
    {
        var now = OtlpReader.ToUnixNano(DateTimeOffset.UtcNow);
        var nanSum = Point(now, [1, 0], [0.1]);
        nanSum.Sum = double.NaN;
        var nanBound = Point(now, [1, 0], [double.NaN]);
        using var client = factory.ClientWithToken(_ingest);

        var response = await client.PostAsync("/v1/metrics", Protobuf(Request("consent-service",
            Histogram(AggregationTemporality.Delta, nanSum), Histogram(AggregationTemporality.Delta, nanBound)).ToByteArray()));
        var parsed = ExportMetricsServiceResponse.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(2, parsed.PartialSuccess.RejectedDataPoints);
        Assert.Contains("sum is not a finite number", parsed.PartialSuccess.ErrorMessage, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await client.PostAsync("/v1/metrics", Protobuf(new byte[100 * 1024 * 1024]))).StatusCode);
    }

    [Fact]
    public async Task A_hundred_thousand_attribute_sets_in_one_export_are_all_counted()
    {
        // The default 16 MiB limit (this class runs with 64 KiB): a fresh portal for this one.
        await using var roomy = new PortalAppFactory();
        await roomy.SeedDemoAsync();
        var (_, token) = await roomy.UserWithTokenAsync("ingest-wide", roles: [PortalRoles.Admin], scopes: [PortalScopes.SloIngest]);
        var now = OtlpReader.ToUnixNano(DateTimeOffset.UtcNow);
        var histogram = new Histogram { AggregationTemporality = AggregationTemporality.Delta };
        for (var i = 0; i < 100_000; i++)
        {
            // e.g. a user id put in an attribute by mistake
            var point = Point(now, [1, 0], [0.1]);
            point.Attributes.Add(new KeyValue { Key = "user.id", Value = new AnyValue { StringValue = "user-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture) } });
            histogram.DataPoints.Add(point);
        }
        using var client = roomy.ClientWithToken(token);

        var response = await client.PostAsync("/v1/metrics", Gzip(Request("accounts-service",
            new Metric { Name = OtlpReader.HttpServerDuration, Unit = "s", Histogram = histogram }).ToByteArray(), "application/x-protobuf"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var db = await roomy.DbAsync();
        Assert.Equal(100_000, await db.Set<ServiceMinute>().Where(m => m.ComponentRef == "component:default/accounts-service").SumAsync(m => m.Requests));
    }

    [Fact]
    public async Task Stream_state_not_seen_for_the_expiry_period_is_dropped_and_recent_state_kept()
    {
        await using (var db = await factory.DbAsync())
        {
            db.Add(new MetricStream { Key = "OLD" + Guid.NewGuid().ToString("N"), ComponentRef = "component:default/cart-service", Metric = "m", LastSeenAt = DateTimeOffset.UtcNow.AddDays(-8) });
            db.Add(new MetricStream { Key = "NEW" + Guid.NewGuid().ToString("N"), ComponentRef = "component:default/cart-service", Metric = "m", LastSeenAt = DateTimeOffset.UtcNow.AddDays(-1) });
            await db.SaveChangesAsync();
        }

        await factory.Services.GetRequiredService<SloRetentionJob>().RunAsync(CancellationToken.None);

        await using var after = await factory.DbAsync();
        Assert.False(await after.Set<MetricStream>().AnyAsync(s => s.Key.StartsWith("OLD")));
        Assert.True(await after.Set<MetricStream>().AnyAsync(s => s.Key.StartsWith("NEW")));
    }

    [Fact]
    public async Task Bad_requests_get_the_status_the_specification_gives_and_never_a_500()
    {
        using var client = factory.ClientWithToken(_ingest);
        var valid = Request("cart-service").ToByteArray();

        var garbage = await client.PostAsync("/v1/metrics", Protobuf([0xFF, 0xFF, 0xFF, 0x01, 0x02]));
        Assert.Equal(HttpStatusCode.BadRequest, garbage.StatusCode);
        var status = Status.Parser.ParseFrom(await garbage.Content.ReadAsByteArrayAsync());
        Assert.StartsWith("The body is not a valid ExportMetricsServiceRequest", status.Message, StringComparison.Ordinal);

        var badJson = await client.PostAsync("/v1/metrics", new StringContent("{\"resourceMetrics\": [", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, badJson.StatusCode);
        Assert.Contains("\"message\"", await badJson.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await client.PostAsync("/v1/metrics", new StringContent("x", Encoding.UTF8, "text/plain"))).StatusCode);
        var brotli = Protobuf(valid);
        brotli.Headers.ContentEncoding.Add("br");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await client.PostAsync("/v1/metrics", brotli)).StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await client.PostAsync("/v1/metrics", Protobuf(new byte[70_000]))).StatusCode);
        // Small on the wire, too big once decompressed: the limit holds after gzip too.
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await client.PostAsync("/v1/metrics", Gzip(new byte[1_000_000], "application/x-protobuf"))).StatusCode);
        var notGzip = Protobuf(valid);
        notGzip.Headers.ContentEncoding.Add("gzip");
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsync("/v1/metrics", notGzip)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/v1/metrics", Protobuf([]))).StatusCode); // an empty request is a success
    }

    [Fact]
    public async Task Only_slo_ingest_tokens_may_send_and_a_service_limited_token_only_for_its_services()
    {
        using var anonymous = factory.AnonymousClient();
        var (_, readToken) = await factory.UserWithTokenAsync("reader-otlp", scopes: [PortalScopes.CatalogRead]);
        using var reader = factory.ClientWithToken(readToken);
        var request = Protobuf(Request("cart-service").ToByteArray());

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync("/v1/metrics", Protobuf([]))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.PostAsync("/v1/metrics", Protobuf([]))).StatusCode);

        var limited = await LimitedTokenAsync(["cart-service"]);
        using var cart = factory.ClientWithToken(limited);
        var now = OtlpReader.ToUnixNano(DateTimeOffset.UtcNow);
        var response = await cart.PostAsync("/v1/metrics", Protobuf(Request("order-service",
            Histogram(AggregationTemporality.Delta, Point(now, [1, 0], [0.1]))).ToByteArray()));
        var parsed = ExportMetricsServiceResponse.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(1, parsed.PartialSuccess.RejectedDataPoints);
        Assert.Contains("may not send data for the service 'order-service'", parsed.PartialSuccess.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await cart.PostAsync("/v1/metrics", request)).StatusCode);
    }

    private async Task<string> LimitedTokenAsync(string[] services)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var user = (await users.FindByNameAsync("ingest-admin"))!;
        var principal = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, user.Id), new Claim(ClaimTypes.Name, "ingest-admin"),
            new Claim(ClaimTypes.Role, PortalRoles.Admin)], "test"));
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var created = await ApiTokens.CreateAsync(db, principal, new AuditActor("user", "ingest-admin", null),
            new CreateTokenRequest("cart-ingest", ApiTokenKind.Service, [PortalScopes.SloIngest], services, 30), DateTimeOffset.UtcNow, CancellationToken.None);
        return created.Token;
    }

    private static void Record(Histogram<double> histogram, int times, double seconds, int status)
    {
        for (var i = 0; i < times; i++)
        {
            histogram.Record(seconds, new KeyValuePair<string, object?>("http.request.method", "GET"),
                new KeyValuePair<string, object?>("http.route", "/cart/{id}"), new KeyValuePair<string, object?>("http.response.status_code", status));
        }
    }

    private async Task<(long Requests, long Errors, Dictionary<string, long> Buckets)> TotalsAsync(string component)
    {
        await using var db = await factory.DbAsync();
        var rows = await db.Set<ServiceMinute>().AsNoTracking().Where(m => m.ComponentRef == component).ToListAsync();
        var buckets = rows.SelectMany(r => r.LatencyBuckets).GroupBy(b => b.Key).ToDictionary(g => g.Key, g => g.Sum(b => b.Value));
        return (rows.Sum(r => r.Requests), rows.Sum(r => r.Errors), buckets);
    }

    private static ExportMetricsServiceRequest Request(string service, params Metric[] metrics) => OtlpExports.Request(service, metrics);

    private static Metric Histogram(AggregationTemporality temporality, HistogramDataPoint point)
    {
        var histogram = new Histogram { AggregationTemporality = temporality };
        histogram.DataPoints.Add(point);
        return new Metric { Name = OtlpReader.HttpServerDuration, Unit = "s", Histogram = histogram };
    }

    private static HistogramDataPoint Point(long time, ulong[] buckets, double[] bounds)
    {
        var point = new HistogramDataPoint
        {
            TimeUnixNano = (ulong)time, StartTimeUnixNano = time == 0 ? 0 : (ulong)(time - 60_000_000_000),
            Count = (ulong)buckets.Sum(b => (long)b), Sum = 0.1,
        };
        point.BucketCounts.AddRange(buckets);
        point.ExplicitBounds.AddRange(bounds);
        point.Attributes.Add(new KeyValue { Key = "http.response.status_code", Value = new AnyValue { IntValue = 200 } });
        return point;
    }

    private static ByteArrayContent Protobuf(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        return content;
    }

    private static ByteArrayContent Gzip(byte[] body, string contentType)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(body);
        }
        var content = new ByteArrayContent(buffer.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        content.Headers.ContentEncoding.Add("gzip");
        return content;
    }
}
