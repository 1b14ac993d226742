using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using Portal.Web.Features.Identity;
using Portal.Web.Features.Slo;
using Portal.Web.Features.Slo.Ingestion;
using OtlpReader = Portal.Web.Features.Slo.Ingestion.OtlpReader;

namespace Portal.IntegrationTests.Slo;

/// <summary>
/// Ratio SLOs on a service's own counters (sent by the real OpenTelemetry .NET SDK exporter), their OpenSLO form, and
/// SLOs with their own alert rules.
/// </summary>
public sealed class RatioSloTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>, IAsyncLifetime
{
    private string _ingest = "";

    public async Task InitializeAsync()
    {
        factory.Settings["Portal:Slo:IngestTokenHeader"] = "X-Ingest-Token";
        await factory.SeedDemoAsync();
        (_, _ingest) = await factory.UserWithTokenAsync("ingest-ratio", roles: [PortalRoles.Admin], scopes: [PortalScopes.SloIngest]);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_ratio_slo_counts_good_and_bad_events_of_a_counter_by_its_attributes_from_when_it_is_saved()
    {
        using var admin = factory.AdminClient();
        var good = await CreateAsync(admin, "payments-succeed", "good",
            new { metric = "payments.processed", attributes = new Dictionary<string, string> { ["outcome"] = "success" } }, new { metric = "payments.processed" });
        var bad = await CreateAsync(admin, "payments-not-declined", "bad",
            new { metric = "payments.processed", attributes = new Dictionary<string, string> { ["outcome"] = "declined" } },
            new { metric = "payments.processed", attributes = new Dictionary<string, string> { ["region"] = "*" } });

        using var meter = new Meter("ratio-test." + Guid.NewGuid().ToString("N"));
        var processed = meter.CreateCounter<long>("payments.processed");
        using var provider = Provider(meter, "payment-gateway");
        processed.Add(90, new("outcome", "success"), new("region", "eu"));
        processed.Add(7, new("outcome", "declined"), new("region", "eu"));
        processed.Add(3, new("outcome", "error"), new("region", "us"));
        processed.Add(5, new KeyValuePair<string, object?>("outcome", "success")); // no region: not in the second SLO's total
        Assert.True(provider.ForceFlush(30_000));
        processed.Add(10, new("outcome", "success"), new("region", "eu"));
        Assert.True(provider.ForceFlush(30_000));
        Assert.True(provider.ForceFlush(30_000)); // nothing new: the same cumulative values again

        var first = (await admin.GetFromJsonAsync<SloView>($"/api/slos/{good}", JsonSerializerOptions.Web))!;
        Assert.Equal((105L, 115L), (first.GoodEvents, first.TotalEvents));
        Assert.Equal("payments.processed", first.Ratio!.Events.Metric);
        var second = (await admin.GetFromJsonAsync<SloView>($"/api/slos/{bad}", JsonSerializerOptions.Web))!;
        Assert.Equal((103L, 110L), (second.GoodEvents, second.TotalEvents)); // 110 with a region, 7 of them declined

        // A new objective changes the judgement, not the counting: the events are kept (there is no history to rebuild them from).
        var changed = await admin.PutAsJsonAsync($"/api/slos/{good}", new
        {
            name = "payments-succeed", component = "payment-gateway", indicator = "ratio", target = 0.95m, window = new { kind = "rolling", days = 28 },
            ratio = new { counts = "good", events = new { metric = "payments.processed", attributes = new Dictionary<string, string> { ["outcome"] = "success" } },
                total = new { metric = "payments.processed" } },
        });
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Equal((105L, 115L), ((await changed.Content.ReadFromJsonAsync<SloView>(JsonSerializerOptions.Web))!.GoodEvents, first.TotalEvents));
    }

    [Fact]
    public async Task Late_data_for_a_minute_older_than_the_minutes_kept_adds_events_to_its_hour_but_no_second_slice()
    {
        using var admin = factory.AdminClient();
        var created = await admin.PostAsJsonAsync("/api/slos", new
        {
            name = "cart-slices", component = "cart-service", indicator = "availability", target = 0.99m,
            budgetingMethod = "Timeslices", timesliceTarget = 0.9m,
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<SloView>(JsonSerializerOptions.Web))!.Id;
        var minute = Portal.Web.Features.Slo.SloMath.MinuteOf(DateTimeOffset.UtcNow.AddDays(-5));
        using var ingest = factory.ClientWithToken(_ingest);
        for (var i = 0; i < 2; i++) // the same minute twice, five days late: 20 requests, one slice
        {
            var now = OtlpReader.ToUnixNano(minute.AddSeconds(30));
            var body = $$$"""
                {"resourceMetrics":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"cart-service"}}]},
                  "scopeMetrics":[{"metrics":[{"name":"http.server.request.duration","unit":"s","histogram":{"aggregationTemporality":1,
                    "dataPoints":[{"startTimeUnixNano":"{{{now - 10_000_000_000}}}","timeUnixNano":"{{{now}}}","count":"10","sum":0.5,
                      "bucketCounts":["10","0"],"explicitBounds":[0.1],"attributes":[{"key":"http.response.status_code","value":{"intValue":"200"}}]}]}}]}]}]}
                """;
            Assert.Equal(HttpStatusCode.OK, (await ingest.PostAsync("/v1/metrics", new StringContent(body, Encoding.UTF8, "application/json"))).StatusCode);
        }

        await using var db = await factory.DbAsync();
        var rows = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(db.Set<SloCount>().Where(c => c.SloId == id));
        var hour = Assert.Single(rows, r => r.Span == CountSpans.Hour);
        Assert.Equal((20L, 20L), (hour.Good, hour.Total));
        // The minute is not kept as a row: its slice is judged from the whole RED minute (20 good of 20), once - as a
        // rebuild from history judges it (issue #21; it used to be not judged at all).
        Assert.Equal((1L, 1L), (hour.GoodSlices, hour.Slices));
        Assert.DoesNotContain(rows, r => r.Span == CountSpans.Minute);
    }

    [Fact]
    public async Task A_ratio_slo_and_its_own_alert_rules_survive_an_openslo_round_trip_and_bad_rules_are_named()
    {
        using var admin = factory.AdminClient();
        var response = await admin.PostAsJsonAsync("/api/slos", new
        {
            name = "checkout-orders", component = "order-service", indicator = "ratio", target = 0.99m, window = new { kind = "rolling", days = 7 },
            ratio = new
            {
                counts = "bad", events = new { metric = "orders.failed", attributes = new Dictionary<string, string> { ["stage"] = "checkout" } },
                total = new { metric = "orders.started" },
            },
            alertPolicy = new[] { new { severity = "page", longWindow = "1h", shortWindow = "5m", budgetShare = 0.05m } },
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var view = (await response.Content.ReadFromJsonAsync<SloView>(JsonSerializerOptions.Web))!;
        // One rule of its own: 5 % of a 7-day budget in an hour is a burn of 0.05 x 168 = 8.4.
        Assert.Equal(8.4m, Assert.Single(view.Alerts).Factor);

        var yaml = await admin.GetStringAsync($"/api/slos/{view.Id}/openslo");
        Assert.Contains("orders.failed", yaml, StringComparison.Ordinal);
        await admin.DeleteAsync($"/api/slos/{view.Id}");
        var imported = await admin.PostAsync("/api/slos/import", new StringContent(yaml, Encoding.UTF8, "application/yaml"));
        var outcome = Assert.Single((await imported.Content.ReadFromJsonAsync<List<ImportedDocument>>(JsonSerializerOptions.Web))!);
        Assert.True(outcome.Status == "created", string.Join(" ", outcome.Errors));
        var back = (await admin.GetFromJsonAsync<SloView>($"/api/slos/{outcome.Id}", JsonSerializerOptions.Web))!;
        Assert.Equal(("bad", "orders.failed", "checkout", "orders.started"),
            (back.Ratio!.Counts, back.Ratio.Events.Metric, back.Ratio.Events.Attributes!["stage"], back.Ratio.Total.Metric));

        var wrong = await admin.PutAsJsonAsync($"/api/slos/{outcome.Id}", new
        {
            name = "checkout-orders", component = "order-service", indicator = "ratio", target = 0.99m,
            ratio = new { counts = "bad", events = new { metric = "orders.failed" }, total = new { metric = "orders.started" } },
            alertPolicy = new[] { new { severity = "page", longWindow = "5m", shortWindow = "1h", budgetShare = 0.05m } },
        });
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        var problem = JsonDocument.Parse(await wrong.Content.ReadAsStringAsync()).RootElement.GetProperty("errors");
        Assert.Contains("the short one shorter", problem.GetProperty("alertPolicy")[0].GetString(), StringComparison.Ordinal);
        // A reference without a name is a bad filter (400), not a server error.
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync("/api/slos?service=component:default/")).StatusCode);
        var noMetric = await admin.PostAsJsonAsync("/api/slos", new { name = "no-metric", component = "order-service", indicator = "ratio", target = 0.99m });
        Assert.Contains("ratio", JsonDocument.Parse(await noMetric.Content.ReadAsStringAsync()).RootElement.GetProperty("errors").EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task The_ingest_token_is_also_read_from_the_configured_header_on_the_receiver_only()
    {
        var now = Portal.Web.Features.Slo.Ingestion.OtlpReader.ToUnixNano(DateTimeOffset.UtcNow);
        var body = $$$"""
            {"resourceMetrics":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"cart-service"}}]},
              "scopeMetrics":[{"metrics":[{"name":"queue.depth","gauge":{"dataPoints":[{"timeUnixNano":"{{{now}}}","asInt":"3"}]}}]}]}]}
            """;
        using var client = factory.CreateClient();
        HttpRequestMessage Export(string header, string value)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/v1/metrics") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            request.Headers.Add(header, value);
            return request;
        }

        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(Export("X-Ingest-Token", _ingest))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(Export("X-Ingest-Token", "Bearer " + _ingest))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(Export("X-Ingest-Token", "ptk_wrong"))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(Export("X-Other", _ingest))).StatusCode);
        // The header is for the receivers: the rest of the API still wants Authorization.
        using var api = new HttpRequestMessage(HttpMethod.Get, "/api/slos");
        api.Headers.Add("X-Ingest-Token", _ingest);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(api)).StatusCode);
    }

    private static async Task<Guid> CreateAsync(HttpClient admin, string name, string counts, object events, object total)
    {
        var response = await admin.PostAsJsonAsync("/api/slos", new
        {
            name, component = "payment-gateway", indicator = "ratio", target = 0.9m, window = new { kind = "rolling", days = 28 },
            ratio = new { counts, events, total },
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();
    }

    private MeterProvider Provider(Meter meter, string service) => Sdk.CreateMeterProviderBuilder()
        .ConfigureResource(r => r.AddService(service))
        .AddMeter(meter.Name)
        .AddOtlpExporter((exporter, reader) => PortalExporter.Configure(exporter, reader, factory, _ingest))
        .Build()!;
}
