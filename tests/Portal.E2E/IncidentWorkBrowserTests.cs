using System.Text.Json;
using System.Text.RegularExpressions;
using Google.Protobuf;
using Microsoft.Playwright;
using Portal.TestSupport;
using Portal.Web.Features.Slo;
using static Microsoft.Playwright.Assertions;

namespace Portal.E2E;

/// <summary>
/// Working an incident in the browser (issue #21): declaring one from a component's Incidents tab, the commander picked
/// by display name, a Markdown comment on the timeline, and the component's maintenance window shaded on its SLO charts.
/// Uses promotions-service, which no other browser test touches (the tests share one portal).
/// </summary>
[Collection(PortalBrowserCollection.Name)]
public sealed class IncidentWorkBrowserTests(PortalBrowserFixture fixture) : BrowserTest(fixture)
{
    private static readonly string[] IngestScopes = ["slo:ingest"];

    [BrowserFact]
    public async Task A_person_declares_an_incident_from_the_component_names_a_commander_comments_and_sees_maintenance_shaded_on_the_slo_chart()
    {
        await SignInAsync(returnUrl: "/catalog/component/default/promotions-service?tab=incidents");
        var tab = Page.GetByTestId("component-incidents");
        await Expect(tab.GetByRole(AriaRole.Heading, new() { Name = "Incidents" })).ToBeVisibleAsync();

        // Declare: the form, a ticket with a Markdown summary, then the incident's own page.
        var title = $"Vouchers rejected at checkout {Guid.NewGuid():N}"[..40];
        await Page.GetByTestId("incident-declare-open").ClickAsync();
        await Page.GetByTestId("incident-declare-title").FillAsync(title);
        await Page.GetByText("Ticket: the team handles it in working hours").ClickAsync();
        await Page.GetByTestId("incident-declare-summary").FillAsync("Since 09:40 **every** voucher is rejected.");
        await ScreenshotAsync("Declare_form");
        await Page.GetByTestId("incident-declare").ClickAsync();
        await Expect(Page).ToHaveURLAsync(new Regex("/incidents/[0-9a-f-]{36}$"));
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(title);
        await Expect(Page.GetByTestId("incident-declared-by")).ToContainTextAsync("by hand");
        var summary = Page.GetByTestId("incident-comment").First;
        await Expect(summary.Locator("strong")).ToHaveTextAsync("every");

        // The commander, picked by display name from checkout's members (checkout owns promotions-service).
        await Page.GetByTestId("incident-commander-select").ClickAsync();
        await Page.GetByRole(AriaRole.Option, new() { Name = "Dana Kim" }).ClickAsync();
        var timeline = Page.GetByTestId("incident-timeline");
        await Expect(timeline.Locator("tr[data-kind=commander]")).ToContainTextAsync("Dana Kim (dana.kim) is the commander.");

        // A comment: Markdown rendered, raw HTML not.
        await Page.GetByTestId("incident-comment-text").FillAsync("Rolled back the _voucher rules_. <img src=x onerror=alert(1)>");
        await Page.GetByTestId("incident-comment-post").ClickAsync();
        var comment = timeline.Locator("tr[data-kind=comment]").Filter(new() { HasText = "Rolled back the" });
        await Expect(comment.Locator("em")).ToHaveTextAsync("voucher rules");
        await Expect(comment.Locator("img")).ToHaveCountAsync(0);
        await Expect(Page.GetByTestId("incident-comment-text")).ToHaveValueAsync("");
        await ScreenshotAsync("Incident_commander_and_comment");

        // The tab lists the declared incident.
        await GotoAsync("/catalog/component/default/promotions-service?tab=incidents");
        await Expect(Page.GetByTestId("component-incident").Filter(new() { HasText = title })).ToContainTextAsync("ticket");

        // An SLO with an hour of traffic, and a maintenance window that began 40 minutes ago (ending in 2): shaded on its charts.
        var slo = await ApiAsync("POST", "/api/slos", new
        {
            name = $"promo-maint-{Guid.NewGuid():N}"[..20], component = "promotions-service", indicator = "availability", target = 0.99m,
            window = new { kind = "rolling", days = 7 },
        });
        var token = await CreateTokenAsync(IngestScopes);
        var now = SloMath.MinuteOf(DateTimeOffset.UtcNow);
        var sent = await Page.APIRequest.PostAsync("/v1/metrics", new()
        {
            DataByte = OtlpExports.MinuteTraffic("promotions-service", Enumerable.Range(0, 70).Select(i => (now.AddMinutes(-i), 200L, 0L)), TimeSpan.FromSeconds(30)).ToByteArray(),
            Headers = new Dictionary<string, string> { ["Authorization"] = $"Bearer {token}", ["Content-Type"] = "application/x-protobuf" },
        });
        Assert.True(sent.Ok, $"POST /v1/metrics: {sent.Status}");
        var reason = $"Voucher store migration {Guid.NewGuid():N}"[..32];
        var maintenanceStart = DateTimeOffset.UtcNow.AddMinutes(-40);
        await ApiAsync("POST", "/api/maintenance-windows", new { component = "promotions-service", startsAt = maintenanceStart, minutes = 60, reason });
        string sloPath;
        using (var json = JsonDocument.Parse(slo))
        {
            sloPath = $"/slos/{json.RootElement.GetProperty("id").GetString()}";
        }
        // The page as the server first sends it, before the browser runs anything: the lane is not laid on the axis yet,
        // so it keeps its place but is not shown (it would span the whole card).
        await using (var noScript = await Fixture.Browser.NewContextAsync(new()
        {
            BaseURL = Fixture.Portal.BaseAddress.ToString(), JavaScriptEnabled = false, StorageState = await Page.Context.StorageStateAsync(),
        }))
        {
            var first = await noScript.NewPageAsync();
            await first.GotoAsync(sloPath);
            await Expect(first.GetByTestId("chart-sli").GetByTestId("chart-bands-text")).ToContainTextAsync(reason);
            await Expect(first.GetByTestId("chart-sli").GetByTestId("chart-bands")).ToBeHiddenAsync();
        }
        await GotoAsync(sloPath);
        var sli = Page.GetByTestId("chart-sli");
        await Expect(sli.GetByTestId("chart-band")).ToHaveCountAsync(1);
        await Expect(sli.GetByTestId("chart-band")).ToHaveAttributeAsync("title", new Regex(Regex.Escape(reason)));
        await Expect(sli.GetByTestId("chart-bands-text")).ToContainTextAsync($"Maintenance (this component): {reason}");
        await Expect(Page.GetByTestId("chart-budget").GetByTestId("chart-band")).ToHaveCountAsync(1);
        await sli.ScrollIntoViewIfNeededAsync();
        // The lane lies on the plot's time axis: it starts and ends where the plot's grid does (after the y-axis labels,
        // before the right margin), and the band starts half a step before the point of the minute the window began
        // (the step it overlaps) and runs to the axis's end (the window is still on).
        var startLabel = SloMath.MinuteOf(maintenanceStart).ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture);
        foreach (var chart in new[] { sli, Page.GetByTestId("chart-budget") })
        {
            double[] box = [];
            static bool Aligned(double[] b) => Math.Abs(b[2] - b[0]) <= 2 && Math.Abs(b[3] - b[1]) <= 2
                && Math.Abs(b[4] - Math.Max(b[0], b[6] - b[7] / 2)) <= 2 && Math.Abs(b[5] - b[3]) <= 2;
            try
            {
                await Wait.UntilAsync(async () => Aligned(box = await chart.EvaluateAsync<double[]>(ChartGeometry, startLabel)), TimeSpan.FromSeconds(10),
                    "the maintenance lane on the chart's time axis");
                await Expect(chart.GetByTestId("chart-bands")).ToBeVisibleAsync();
            }
            catch (TimeoutException)
            {
                Assert.Fail($"The lane is not on the time axis. Grid {box[0]:0.#}-{box[1]:0.#}, lane {box[2]:0.#}-{box[3]:0.#}, band {box[4]:0.#}-{box[5]:0.#}, "
                    + $"point of {startLabel} {box[6]:0.#}, step {box[7]:0.##}");
            }
        }
        await ScreenshotAsync("Slo_chart_maintenance_band");
        AssertNoConsoleErrors();
    }

    // Page x of the plot's grid (left, right), the lane (left, right), the band (left, right), the point of the x-axis
    // label named by the argument, and one step: the labels' x are SVG user units, taken through the SVG's transform.
    private const string ChartGeometry = """
        (card, label) => {
          const svg = card.querySelector("svg"), matrix = svg.getScreenCTM();
          const pageX = x => { const p = svg.createSVGPoint(); p.x = x; p.y = 0; return p.matrixTransform(matrix).x; };
          const texts = [...svg.querySelectorAll(".mud-charts-xaxis text")];
          const xs = texts.map(t => pageX(parseFloat(t.getAttribute("x"))));
          const grid = svg.querySelector(".mud-charts-gridlines-yaxis path").getBoundingClientRect();
          const lane = card.querySelector("[data-testid=chart-bands]").getBoundingClientRect();
          const band = card.querySelector("[data-testid=chart-band]").getBoundingClientRect();
          const at = texts.findIndex(t => t.textContent === label);
          return [grid.left, grid.right, lane.left, lane.right, band.left, band.right, at < 0 ? -1e6 : xs[at], xs[1] - xs[0]];
        }
        """;

    private async Task<string> ApiAsync(string method, string path, object body)
    {
        var response = await Page.APIRequest.FetchAsync(path, new()
        {
            Method = method, DataObject = body, Headers = new Dictionary<string, string> { ["Origin"] = PortalOrigin },
        });
        Assert.True(response.Ok, $"{method} {path}: {response.Status} {await response.TextAsync()}");
        return await response.TextAsync();
    }

    private async Task<string> CreateTokenAsync(string[] scopes)
    {
        var response = await Page.APIRequest.PostAsync("/api/identity/tokens", new()
        {
            DataObject = new { name = $"e2e-incwork-{Guid.NewGuid():N}"[..20], kind = 1, scopes, expiresInDays = 1 },
            Headers = new Dictionary<string, string> { ["Origin"] = PortalOrigin },
        });
        Assert.True(response.Ok, $"POST /api/identity/tokens: {response.Status} {await response.TextAsync()}");
        using var json = JsonDocument.Parse(await response.TextAsync());
        return json.RootElement.GetProperty("token").GetString()!;
    }
}
