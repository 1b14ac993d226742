using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Google.Protobuf;
using Microsoft.Playwright;
using Portal.TestSupport;
using Portal.Web.Features.Slo;
using Portal.Web.Features.Slo.Ingestion;
using Portal.Web.Features.Slo.Otlp.Common;
using Portal.Web.Features.Slo.Otlp.Metrics;
using static Microsoft.Playwright.Assertions;

namespace Portal.E2E;

[Collection(PortalBrowserCollection.Name)]
public sealed class DeliveryBrowserTests(PortalBrowserFixture fixture) : BrowserTest(fixture)
{
    private static readonly string[] DeliveryWrite = ["delivery:write"];
    private static readonly string[] SloIngest = ["slo:ingest"];

    [BrowserFact]
    public async Task A_components_delivery_tab_shows_the_gate_its_dora_figures_and_its_deployments()
    {
        await SignInAsync(returnUrl: "/catalog/component/default/payout-scheduler?tab=delivery");
        // Nothing sent yet: the tab says how to send deployments instead of showing empty figures.
        await Expect(Page.GetByTestId("component-deployments-empty")).ToContainTextAsync("delivery:write");
        await Expect(Page.GetByTestId("delivery-gate")).ToContainTextAsync("allowed");
        await ScreenshotAsync("Empty");

        // An admin issues the CI token (with the page's session, as the token page does); CI posts with it.
        var created = await Page.APIRequest.PostAsync("/api/identity/tokens", new()
        {
            DataObject = new { name = "refund-ci", kind = 1, scopes = DeliveryWrite },
            Headers = new Dictionary<string, string> { ["Origin"] = PortalOrigin },
        });
        Assert.True(created.Status == 201, await created.TextAsync());
        using var token = JsonDocument.Parse(await created.TextAsync());
        using var ci = new HttpClient { BaseAddress = Fixture.Portal.BaseAddress };
        ci.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.RootElement.GetProperty("token").GetString());
        var now = DateTimeOffset.UtcNow;
        var script = new (int DaysAgo, string Status, bool Rollback)[] { (9, "succeeded", false), (6, "failed", false), (6, "succeeded", false), (3, "succeeded", false), (3, "succeeded", true), (1, "succeeded", false) };
        for (var i = 0; i < script.Length; i++)
        {
            var (daysAgo, status, rollback) = script[i];
            var started = now.AddDays(-daysAgo).AddHours(i);
            var response = await ci.PostAsJsonAsync("/api/delivery/deployments", new
            {
                component = "payout-scheduler", environment = "prod", runId = $"e2e-{i}", version = $"2.{i}.0", status, rollback,
                commits = new[] { new { sha = $"{i + 1:x7}abcdef", committedAt = started.AddHours(-20) } },
                startedAt = started, finishedAt = started.AddMinutes(6), deployedBy = "release-bot", url = $"https://ci.example/runs/{i}",
            });
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
            var build = await ci.PostAsJsonAsync("/api/delivery/builds", new
            {
                component = "payout-scheduler", pipeline = "ci", runId = $"e2e-build-{i}", commitSha = $"{i + 1:x7}abcdef", status = i == 1 ? "failed" : "succeeded",
                startedAt = started.AddMinutes(-15), finishedAt = started.AddMinutes(-5),
            });
            Assert.True(build.IsSuccessStatusCode, await build.Content.ReadAsStringAsync());
        }

        await GotoAsync("/catalog/component/default/payout-scheduler?tab=delivery");
        await Expect(Page.GetByTestId("component-deployments").Locator("tbody tr")).ToHaveCountAsync(script.Length);
        await Expect(Page.GetByTestId("component-deployments")).ToContainTextAsync("rollback");
        var figures = Page.GetByTestId("delivery-figures");
        await Expect(figures).ToContainTextAsync("5 successful deployments");
        await Expect(figures).ToContainTextAsync("2 of 5 changes");   // the failed one and the one rolled back
        await Expect(figures).ToContainTextAsync("83.3%");             // 5 of 6 builds
        await Expect(Page.GetByTestId("delivery-band").First).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("delivery-gate-reason")).ToContainTextAsync("no SLOs");
        await ScreenshotAsync("With_deployments");
        AssertNoConsoleErrors();
    }

    [BrowserFact]
    public async Task A_component_whose_error_budget_is_spent_shows_the_gates_deny_on_its_page()
    {
        await SignInAsync(returnUrl: "/catalog/component/default/fraud-scoring?tab=delivery");
        var origin = new Dictionary<string, string> { ["Origin"] = PortalOrigin };
        var slo = await Page.APIRequest.PostAsync("/api/slos", new()
        {
            DataObject = new { name = "availability", component = "fraud-scoring", indicator = "availability", target = 0.99, window = new { kind = "rolling", days = 28 } },
            Headers = origin,
        });
        Assert.True(slo.Status == 201, await slo.TextAsync());
        var created = await Page.APIRequest.PostAsync("/api/identity/tokens", new()
        {
            DataObject = new { name = "fraud-otel", kind = 1, scopes = SloIngest, expiresInDays = 1 }, Headers = origin,
        });
        Assert.True(created.Status == 201, await created.TextAsync());
        using var token = JsonDocument.Parse(await created.TextAsync());

        // The last hour: half of the requests fail, so the 1 % budget is spent and the fast-burn page condition holds.
        var histogram = new Histogram { AggregationTemporality = AggregationTemporality.Delta };
        var now = SloMath.MinuteOf(DateTimeOffset.UtcNow);
        foreach (var minute in Enumerable.Range(1, 60).Select(i => now.AddMinutes(-i)))
        {
            foreach (var status in new[] { 200L, 503L })
            {
                var point = new HistogramDataPoint
                {
                    StartTimeUnixNano = (ulong)OtlpReader.ToUnixNano(minute), TimeUnixNano = (ulong)OtlpReader.ToUnixNano(minute.AddSeconds(30)), Count = 50, Sum = 2.5,
                };
                point.BucketCounts.AddRange([50UL, 0UL]);
                point.ExplicitBounds.Add(0.1);
                point.Attributes.Add(new KeyValue { Key = "http.response.status_code", Value = new AnyValue { IntValue = status } });
                histogram.DataPoints.Add(point);
            }
        }
        var sent = await Page.APIRequest.PostAsync("/v1/metrics", new()
        {
            DataByte = OtlpExports.RequestDurations("fraud-scoring", histogram).ToByteArray(),
            Headers = new Dictionary<string, string> { ["Authorization"] = $"Bearer {token.RootElement.GetProperty("token").GetString()}", ["Content-Type"] = "application/x-protobuf" },
        });
        Assert.True(sent.Ok, await sent.TextAsync());

        await GotoAsync("/catalog/component/default/fraud-scoring?tab=delivery");
        await Expect(Page.GetByTestId("delivery-gate")).ToContainTextAsync("held by the error-budget gate");
        await Expect(Page.GetByTestId("delivery-gate-reason").First).ToContainTextAsync("error budget is exhausted");
        await Expect(Page.GetByTestId("delivery-gate")).ToContainTextAsync("page burn-rate alert");
        await ScreenshotAsync("Denied");
        AssertNoConsoleErrors();
    }
}
