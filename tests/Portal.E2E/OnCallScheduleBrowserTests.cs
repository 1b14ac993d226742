using System.Globalization;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Portal.E2E;

/// <summary>
/// A schedule's page: an override added (and a wrong one explained), the YAML downloaded, a broken YAML refused with its
/// line in the form, the download edited and imported back, the override removed; then "My on-call contact", where an
/// internal webhook address is refused and a public one saved.
/// </summary>
[Collection(PortalBrowserCollection.Name)]
public sealed class OnCallScheduleBrowserTests(PortalBrowserFixture fixture) : BrowserTest(fixture)
{
    private static readonly string[] Primary = ["ana.silva"], Secondary = ["chen.wei"];

    [BrowserFact]
    public async Task Overrides_are_added_and_removed_the_yaml_exports_and_imports_with_its_errors_shown_and_I_set_my_contact()
    {
        await SignInAsync(returnUrl: "/oncall");
        var schedule = $"e2e-sched-{Guid.NewGuid():N}"[..20];
        var response = await Page.APIRequest.FetchAsync($"/api/oncall/schedules/{schedule}", new()
        {
            Method = "PUT", Headers = new Dictionary<string, string> { ["Origin"] = PortalOrigin },
            DataObject = new
            {
                team = "group:default/payments",
                layers = new object[]
                {
                    new { name = "Primary", users = Primary, rotationStart = "2026-01-05T09:00:00Z", handoffHours = 168, escalateAfterMinutes = 30 },
                    new { name = "Secondary", users = Secondary, rotationStart = "2026-01-05T09:00:00Z", handoffHours = 24, escalateAfterMinutes = 30 },
                },
            },
        });
        Assert.True(response.Ok, $"PUT schedule: {response.Status} {await response.TextAsync()}");

        // From the dashboard to the schedule's page.
        await GotoAsync("/oncall");
        await Page.GetByRole(AriaRole.Link, new() { Name = schedule, Exact = true }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = $"On-call schedule {schedule}", Level = 1 })).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("schedule-now").First).ToHaveTextAsync("ana.silva");
        await Expect(Page.GetByTestId("schedule-overrides")).ToContainTextAsync("No overrides");

        // ben covers the first layer from an hour ago for three hours: he is on call now.
        var now = DateTimeOffset.UtcNow;
        await Page.GetByTestId("override-user").FillAsync("ben.okafor");
        await Page.GetByTestId("override-from").FillAsync(Local(now.AddHours(-1)));
        await Page.GetByTestId("override-to").FillAsync(Local(now.AddHours(2)));
        await Page.GetByTestId("override-add").ClickAsync();
        await Expect(Page.GetByTestId("schedule-override")).ToHaveCountAsync(1);
        await Expect(Page.GetByTestId("schedule-now").First).ToHaveTextAsync("ben.okafor");

        // One longer than the API allows: its message in the form, nothing added.
        await Page.GetByTestId("override-user").FillAsync("chen.wei");
        await Page.GetByTestId("override-to").FillAsync(Local(now.AddDays(120)));
        await Page.GetByTestId("override-add").ClickAsync();
        await Expect(Page.GetByTestId("override-errors")).ToContainTextAsync("at most 90 days apart");
        await Expect(Page.GetByTestId("schedule-override")).ToHaveCountAsync(1);
        await ScreenshotAsync("Override_refused");

        // The YAML download carries the override.
        var download = await Page.RunAndWaitForDownloadAsync(() => Page.GetByTestId("schedule-export").ClickAsync());
        Assert.Equal($"{schedule}.yaml", download.SuggestedFilename);
        var yaml = await File.ReadAllTextAsync((await download.PathAsync())!);
        Assert.Contains("user: ben.okafor", yaml, StringComparison.Ordinal);

        // Broken YAML: the reader's line and column in the form, and the schedule unchanged.
        await Page.GetByTestId("schedule-import-text").FillAsync("team: group:default/payments\nlayers:\n  - name: Primary\n    handoffHours: weekly\n");
        await Page.GetByTestId("schedule-import").ClickAsync();
        await Expect(Page.GetByTestId("schedule-import-errors")).ToContainTextAsync("Line 4, column");
        await Expect(Page.GetByTestId("schedule-now").First).ToHaveTextAsync("ben.okafor");
        await ScreenshotAsync("Import_refused");

        // The download, edited (chen covers instead of ben), imports back.
        await Page.GetByTestId("schedule-import-text").FillAsync(yaml.Replace("user: ben.okafor", "user: chen.wei", StringComparison.Ordinal));
        await Page.GetByTestId("schedule-import").ClickAsync();
        await Expect(Page.GetByTestId("schedule-import-errors")).ToHaveCountAsync(0);
        await Expect(Page.GetByTestId("schedule-now").First).ToHaveTextAsync("chen.wei");

        // Removed: the rotation decides again.
        await Page.GetByTestId("schedule-override-remove").ClickAsync();
        await Expect(Page.GetByTestId("schedule-override")).ToHaveCountAsync(0);
        await Expect(Page.GetByTestId("schedule-now").First).ToHaveTextAsync("ana.silva");
        await ScreenshotAsync("Schedule");

        // My contact: an internal address is refused at the field, a public one saved and still there after a reload.
        await GotoAsync("/oncall");
        await Page.GetByTestId("oncall-my-contact").ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "My on-call contact", Level = 1 })).ToBeVisibleAsync();
        await Page.GetByTestId("contact-email").FillAsync("admin.pager@northwind.example");
        await Page.GetByTestId("contact-format").ClickAsync();
        await Page.GetByRole(AriaRole.Option, new() { Name = "Slack (a webhook to your DM)", Exact = true }).ClickAsync();
        await Page.GetByTestId("contact-url").FillAsync("https://169.254.169.254/latest/meta-data");
        await Page.GetByTestId("contact-save").ClickAsync();
        await Expect(Page.GetByTestId("contact-form")).ToContainTextAsync("internal address");
        await ScreenshotAsync("Contact_refused");
        await Page.GetByTestId("contact-url").FillAsync("https://hooks.slack.com/services/T0/B0/e2e");
        await Page.GetByTestId("contact-save").ClickAsync();
        await Expect(Page.GetByTestId("contact-summary")).ToContainTextAsync("admin.pager@northwind.example");
        await Expect(Page.GetByTestId("contact-summary")).ToContainTextAsync("slack webhook");
        await GotoAsync("/oncall/me");
        await Expect(Page.GetByTestId("contact-url")).ToHaveValueAsync("https://hooks.slack.com/services/T0/B0/e2e");
        await ScreenshotAsync("Contact");
    }

    private static string Local(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture);
}
