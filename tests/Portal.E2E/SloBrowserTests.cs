using System.Text.Json;
using System.Text.RegularExpressions;
using Google.Protobuf;
using Microsoft.Playwright;
using Portal.Web.Features.Slo;
using Portal.Web.Features.Slo.Otlp.Collector;
using Portal.Web.Features.Slo.Otlp.Common;
using Portal.Web.Features.Slo.Otlp.Metrics;
using Portal.Web.Features.Slo.Otlp.Resource;
using Portal.Web.Features.Slo.Ingestion;
using Portal.TestSupport;
using static Microsoft.Playwright.Assertions;

namespace Portal.E2E;

[Collection(PortalBrowserCollection.Name)]
public sealed class SloBrowserTests(PortalBrowserFixture fixture) : BrowserTest(fixture)
{
    private static readonly double[] Bounds = [0.05, 0.1, 0.25, 0.5, 1];
    private static readonly string[] IngestScopes = ["slo:ingest"];

    [BrowserFact]
    public async Task Metrics_arrive_an_slo_is_defined_in_the_editor_and_its_page_shows_the_burn_and_the_firing_page_alert()
    {
        await SignInAsync(returnUrl: "/slos");
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "SLOs", Level = 1 })).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("nav-slos")).ToBeVisibleAsync();
        // Other tests may share the portal: the page is either the empty state or a table.
        await Expect(Page.GetByTestId("slo-empty").Or(Page.GetByTestId("slo-table"))).ToBeVisibleAsync();
        await ScreenshotAsync("List_before");

        // An admin issues an slo:ingest service token; three hours of cart-service traffic arrive over OTLP/HTTP,
        // with a burst of 25 % server errors in the last ten minutes, plus a service the catalog does not know.
        var token = await CreateIngestTokenAsync();
        var now = SloMath.MinuteOf(DateTimeOffset.UtcNow);
        var export = Export("cart-service", Enumerable.Range(0, 180).Select(i => (now.AddMinutes(-i), Traffic(i))));
        var response = await PostMetricsAsync(token, export);
        Assert.True(response.Ok, $"POST /v1/metrics: {response.Status} {await response.TextAsync()}");
        var unknown = await PostMetricsAsync(token, Export("legacy-billing", Enumerable.Range(0, 5).Select(i => (now.AddMinutes(-i), (100L, 0L)))));
        Assert.True(unknown.Ok, $"POST /v1/metrics (unknown service): {unknown.Status}");

        // The editor: a component from the picker, a validation error as one types, then the live preview.
        await GotoAsync("/slos");
        await Page.GetByTestId("new-slo").ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "New SLO", Level = 1 })).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("slo-preview-empty")).ToContainTextAsync("Choose a component");
        await Page.GetByTestId("slo-component").FillAsync("cart");
        await Page.GetByTestId("component-option-component:default/cart-service").ClickAsync();
        await Expect(Page.GetByTestId("slo-name")).ToHaveValueAsync("cart-service-availability");
        await Expect(Page.GetByTestId("slo-preview-sli")).ToBeVisibleAsync();

        await Page.GetByTestId("slo-target").FillAsync("120");
        await Expect(Page.GetByText("The objective is a percentage above 0 and below 100, e.g. 99.9.")).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("slo-save")).ToBeDisabledAsync();
        await Expect(Page.GetByTestId("slo-preview-empty")).ToContainTextAsync("Fix the highlighted fields");
        await ScreenshotAsync("Editor_validation");

        await Page.GetByTestId("slo-target").FillAsync("99.9");
        // The no-data ticket (off unless set): too short a window is named, 15 minutes is taken.
        await Page.GetByTestId("slo-no-data").FillAsync("2");
        await Expect(Page.GetByText("Between 5 and 1,440 minutes, or empty for no no-data ticket.")).ToBeVisibleAsync();
        await Page.GetByTestId("slo-no-data").FillAsync("15");
        await Page.GetByTestId("slo-display-name").FillAsync("Cart availability");
        await Expect(Page.GetByText("The objective is a percentage above 0 and below 100, e.g. 99.9.")).ToHaveCountAsync(0);
        await Expect(Page.GetByTestId("slo-preview-figures")).ToContainTextAsync("page 1h/5m");
        await Expect(Page.GetByTestId("slo-preview-sli")).ToHaveTextAsync(new Regex(@"^9\d\.\d\d %$"));
        await Expect(Page.GetByTestId("slo-save")).ToBeEnabledAsync();
        await Expect(Page.Locator(".mud-input-error")).ToHaveCountAsync(0);
        await ScreenshotAsync("Editor_preview");

        await Page.GetByTestId("slo-save").ClickAsync();
        await Expect(Page).ToHaveURLAsync(new Regex("/slos/[0-9a-f-]{36}$"));
        var detailUrl = Page.Url;
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Cart availability", Level = 1 })).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("tile-objective")).ToContainTextAsync("99.9 %");
        await Expect(Page.GetByTestId("tile-sli")).ToContainTextAsync(new Regex(@"9\d\.\d\d %"));
        await Expect(Page.GetByTestId("tile-budget")).ToContainTextAsync("%");
        await Expect(Page.GetByTestId("slo-status")).ToHaveTextAsync(new Regex("Warning|Breached"));
        await Expect(Page.GetByTestId("burn-1h")).ToContainTextAsync("above");
        await Expect(Page.GetByTestId("rule-page-1h").GetByTestId("rule-firing")).ToBeVisibleAsync();
        // Traffic arrived in the last 15 minutes: the no-data condition is listed, quiet.
        await Expect(Page.GetByTestId("rule-ticket-15m")).ToContainTextAsync("No events for 15m");
        await Expect(Page.GetByTestId("rule-ticket-15m")).ToContainTextAsync("Quiet");
        await Expect(Page.GetByTestId("chart-sli").Locator("svg").First).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("chart-budget").Locator("svg").First).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("chart-requests").Locator("svg").First).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("chart-latency").Locator("svg").First).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("slo-edit")).ToBeVisibleAsync();
        await ScreenshotAsync("Detail");
        // Each chart's text alternative: its figures as a table.
        await Page.GetByTestId("figures-sli").Locator("summary").ClickAsync();
        await Expect(Page.GetByTestId("figures-sli").Locator("tbody tr").First).ToContainTextAsync(new Regex(@"\d+(\.\d+)? %"));
        await Expect(Page.GetByTestId("figures-sli").Locator("thead")).ToContainTextAsync("Objective 99.9 %");
        await ScreenshotAsync("Detail_figures");

        // The list: the new SLO with its status and budget.
        await GotoAsync("/slos");
        await Expect(Page.GetByTestId("slo-table")).ToContainTextAsync("Cart availability");
        await Expect(Page.GetByTestId("slo-table")).ToContainTextAsync("28d rolling");
        await ScreenshotAsync("List_after");

        // Delete asks first; cancelling keeps the SLO.
        await GotoAsync(new Uri(detailUrl).PathAndQuery);
        await Page.GetByTestId("slo-delete").ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Dialog)).ToContainTextAsync("Delete this SLO?");
        await ScreenshotAsync("Delete_confirmation");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Cart availability", Level = 1 })).ToBeVisibleAsync();

        // Editing: the form comes back as saved; a looser objective is saved through the same rules.
        await Page.GetByTestId("slo-edit").ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Edit Cart availability", Level = 1 })).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("slo-target")).ToHaveValueAsync("99.9");
        await Page.GetByTestId("slo-target").FillAsync("99");
        await Expect(Page.GetByTestId("slo-preview")).ToContainTextAsync("99 % over 28d rolling");
        await Page.GetByTestId("slo-save").ClickAsync();
        await Expect(Page.GetByTestId("tile-objective")).ToContainTextAsync("99 %");

        // The component page: its SLOs, and the way to add another.
        await Page.GetByTestId("slo-component").ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "cart-service", Level = 1 })).ToBeVisibleAsync();
        var section = Page.GetByTestId("component-slos");
        await Expect(section.GetByTestId("component-slo-table")).ToContainTextAsync("Cart availability");
        await Expect(section.GetByTestId("add-slo")).ToHaveAttributeAsync("href", "/slos/new?component=component%3Adefault%2Fcart-service");
        await ScreenshotAsync("Component_slos");

        // Coverage: cart-service reports, legacy-billing is an unknown service with its refused points.
        await GotoAsync("/slos/coverage");
        await Expect(Page.GetByTestId("reporting-cart-service")).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("unknown-legacy-billing")).ToContainTextAsync("not a component in the catalog");
        await Expect(Page.GetByTestId("coverage-missing")).ToContainTextAsync("payment-gateway");
        await ScreenshotAsync("Coverage");

        await GotoAsync("/");
        await Expect(Page.GetByTestId("home-coverage")).ToContainTextAsync(new Regex(@"\d+ of \d+ components"));
        await ScreenshotAsync("Home");

        // Deleting, confirmed: back on the list, without the SLO.
        await GotoAsync(new Uri(detailUrl).PathAndQuery);
        await Page.GetByTestId("slo-delete").ClickAsync();
        await Page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await Expect(Page).ToHaveURLAsync(new Regex("/slos$"));
        await Expect(Page.GetByText("Cart availability", new() { Exact = true })).ToHaveCountAsync(0);
        AssertNoConsoleErrors();
    }

    [BrowserFact]
    public async Task A_ratio_slo_with_its_own_alert_rules_is_defined_in_the_editor()
    {
        await SignInAsync(returnUrl: "/slos/new");
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "New SLO", Level = 1 })).ToBeVisibleAsync();
        await Page.GetByTestId("slo-component").FillAsync("order");
        await Page.GetByTestId("component-option-component:default/order-service").ClickAsync();
        await Page.GetByText("Ratio: good (or bad) events").ClickAsync();
        await Expect(Page.GetByTestId("slo-ratio-error")).ToContainTextAsync("ratio.events.metric is required");
        await Expect(Page.GetByTestId("slo-save")).ToBeDisabledAsync();
        await Page.GetByTestId("slo-ratio-events-metric").FillAsync("orders.processed");
        await Page.GetByTestId("slo-ratio-events-attributes").FillAsync("outcome=success");
        await Page.GetByTestId("slo-ratio-total-metric").FillAsync("orders.processed");
        await Expect(Page.GetByTestId("slo-preview-ratio")).ToContainTextAsync("from the moment it is saved");
        await Page.GetByText("This SLO's own").ClickAsync();
        await Page.GetByTestId("slo-rules").FillAsync("page 1h 5m");
        await Expect(Page.GetByText("budgetShare is the part of the error budget")).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("slo-save")).ToBeDisabledAsync();
        await ScreenshotAsync("Editor_ratio_validation");

        await Page.GetByTestId("slo-rules").FillAsync("page 1h 5m 5");
        await Expect(Page.GetByTestId("slo-ratio-error")).ToHaveCountAsync(0);
        await Expect(Page.GetByTestId("slo-save")).ToBeEnabledAsync();
        await ScreenshotAsync("Editor_ratio");
        await Page.GetByTestId("slo-save").ClickAsync();
        await Expect(Page).ToHaveURLAsync(new Regex("/slos/[0-9a-f-]{36}$"));
        await Expect(Page.GetByTestId("slo-status")).ToHaveTextAsync(new Regex("No data", RegexOptions.IgnoreCase));
        await Expect(Page.GetByTestId("tile-objective")).ToContainTextAsync("99.9 %");
        await ScreenshotAsync("Detail_ratio");

        // The delete confirmation, by keyboard: it names the SLO, Escape cancels it, and focus returns to the button
        // that opened it (WCAG 2.4.3), so a keyboard user is not sent back to the top of the page.
        var delete = Page.GetByTestId("slo-delete");
        await delete.FocusAsync();
        await Page.Keyboard.PressAsync("Enter");
        var dialog = Page.GetByRole(AriaRole.Dialog);
        await Expect(dialog).ToContainTextAsync("Delete this SLO?");
        await Expect(dialog).ToContainTextAsync("order-service");
        // MudBlazor starts listening for Escape a moment after the dialog shows: a key pressed in that moment is lost,
        // as it would be for a person, who presses it again.
        for (var attempt = 1; await dialog.CountAsync() > 0; attempt++)
        {
            Assert.True(attempt <= 3, "Escape did not close the delete confirmation");
            await Page.Keyboard.PressAsync("Escape");
            try
            {
                await Expect(dialog).ToHaveCountAsync(0, new() { Timeout = 2_000 });
            }
            catch (PlaywrightException) when (attempt < 3)
            {
            }
        }
        await Expect(delete).ToBeFocusedAsync();
        await Expect(Page).ToHaveURLAsync(new Regex("/slos/[0-9a-f-]{36}$"));
        AssertNoConsoleErrors();
    }

    /// <summary>Requests and server errors i minutes before now: a trickle of errors, then 25 % in the last ten minutes.</summary>
    [BrowserFact]
    public async Task An_slo_with_one_minute_of_data_shows_its_point_and_a_tooltip_with_the_value()
    {
        await SignInAsync();
        // One minute of sms-sender traffic, 2 failures in 100, then an SLO on it.
        var token = await CreateIngestTokenAsync();
        var minute = SloMath.MinuteOf(DateTimeOffset.UtcNow).AddMinutes(-1);
        var export = Export("sms-sender", [(minute, (100L, 2L))]);
        var response = await PostMetricsAsync(token, export);
        Assert.True(response.Ok, $"POST /v1/metrics: {response.Status} {await response.TextAsync()}");
        var created = await Page.APIRequest.PostAsync("/api/slos", new()
        {
            DataObject = new { name = "sms-sparse", displayName = "SMS sparse", component = "sms-sender", indicator = "availability", target = 0.99m, window = new { kind = "rolling", days = 7 } },
            Headers = new Dictionary<string, string> { ["Origin"] = PortalOrigin },
        });
        Assert.True(created.Ok, $"POST /api/slos: {created.Status} {await created.TextAsync()}");
        using var json = JsonDocument.Parse(await created.TextAsync());
        await GotoAsync($"/slos/{json.RootElement.GetProperty("id").GetGuid()}");

        // The SLI chart draws the minute as a point (a line needs two), not just the objective line.
        var sli = Page.GetByTestId("chart-sli");
        // A drawn marker (MudBlazor lays a transparent, larger hover target over each one).
        var markers = sli.Locator("svg circle:not([opacity='0'])");
        var circles = string.Join('\n', await sli.Locator("svg circle").EvaluateAllAsync<string[]>("cs => cs.map(c => c.outerHTML)"));
        Assert.True(await markers.CountAsync() >= 1, "the SLI chart draws its one reading as a point:\n" + circles);
        var point = sli.Locator("svg circle[opacity='0']").First;
        await point.EvaluateAsync("e => e.scrollIntoView({ block: 'center' })");
        await point.HoverAsync();
        await Expect(sli.GetByText(new Regex("^SLI: 98"))).ToBeVisibleAsync();
        await ScreenshotAsync("Sparse_chart_tooltip");
        // The error-ratio chart of the component's RED metrics draws its point too.
        await Expect(Page.GetByTestId("chart-errors").Locator("svg circle").First).ToBeVisibleAsync();
        AssertNoConsoleErrors();
    }

    private static (long Requests, long Errors) Traffic(int i)
    {
        long requests = 120 + (i % 7) * 10;
        return (requests, i < 10 ? requests / 4 : i % 15 == 0 ? 1 : 0);
    }

    private async Task<string> CreateIngestTokenAsync()
    {
        var response = await Page.APIRequest.PostAsync("/api/identity/tokens", new()
        {
            DataObject = new { name = $"e2e-slo-{Guid.NewGuid():N}"[..20], kind = 1, scopes = IngestScopes, expiresInDays = 1 },
            Headers = new Dictionary<string, string> { ["Origin"] = PortalOrigin },
        });
        Assert.True(response.Ok, $"POST /api/identity/tokens: {response.Status} {await response.TextAsync()}");
        using var json = JsonDocument.Parse(await response.TextAsync());
        return json.RootElement.GetProperty("token").GetString()!;
    }

    private async Task<IAPIResponse> PostMetricsAsync(string token, ExportMetricsServiceRequest export) =>
        await Page.APIRequest.PostAsync("/v1/metrics", new()
        {
            DataByte = export.ToByteArray(),
            Headers = new Dictionary<string, string>
            {
                ["Authorization"] = $"Bearer {token}",
                ["Content-Type"] = "application/x-protobuf",
            },
        });

    /// <summary>Delta histograms of http.server.request.duration, one point per minute and status code, stamped mid-minute.</summary>
    private static ExportMetricsServiceRequest Export(string service, IEnumerable<(DateTimeOffset Minute, (long Requests, long Errors) Traffic)> minutes)
    {
        var histogram = new Histogram { AggregationTemporality = AggregationTemporality.Delta };
        foreach (var (minute, (requests, errors)) in minutes)
        {
            foreach (var (count, status) in new[] { (requests - errors, 200L), (errors, 503L) })
            {
                if (count == 0)
                {
                    continue;
                }
                // Successful requests are mostly fast; the failing ones wait for a timeout.
                ulong[] buckets = status == 200
                    ? [(ulong)(count * 6 / 10), (ulong)(count * 3 / 10), (ulong)(count - count * 6 / 10 - count * 3 / 10), 0, 0, 0]
                    : [0, 0, 0, 0, (ulong)count, 0];
                var point = new HistogramDataPoint
                {
                    StartTimeUnixNano = (ulong)OtlpReader.ToUnixNano(minute),
                    TimeUnixNano = (ulong)OtlpReader.ToUnixNano(minute.AddSeconds(30)),
                    Count = (ulong)count,
                    Sum = status == 200 ? count * 0.07 : count * 0.8,
                };
                point.BucketCounts.AddRange(buckets);
                point.ExplicitBounds.AddRange(Bounds);
                point.Attributes.Add(new KeyValue { Key = "http.response.status_code", Value = new AnyValue { IntValue = status } });
                histogram.DataPoints.Add(point);
            }
        }
        return OtlpExports.RequestDurations(service, histogram);
    }
}
