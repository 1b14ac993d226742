using System.Text.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Portal.E2E;

/// <summary>
/// Template output is markdown a template author writes: autolinks and links with script or data URLs in it must not
/// become links on the task page (the CSP is the second line of defence, not the first).
/// </summary>
[Collection(PortalBrowserCollection.Name)]
public sealed class TemplateOutputLinkTests(PortalBrowserFixture fixture) : BrowserTest(fixture)
{
    private const string Hostile = "<javascript:alert(document.domain)> <JavaScript:alert(2)> <vbscript:msgbox(1)> "
        + "<data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==> [click me](javascript:alert(3)) [also](&#106;avascript:alert(4)) "
        + "![pixel](data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=) and a fine one: <https://example.com/docs>";

    private string WriteTemplate()
    {
        var folder = Path.Combine(Fixture.DataDirectory, "e2e-templates", "autolinks");
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, "template.yaml");
        File.WriteAllText(file, $$"""
            apiVersion: scaffolder.backstage.io/v1beta3
            kind: Template
            metadata:
              name: autolinks
              title: Autolinks
            spec:
              owner: group:default/platform
              type: service
              parameters:
                - properties:
                    note: {title: Note, type: string}
              steps:
                - id: say
                  name: Say
                  action: debug:log
                  input:
                    message: {{JsonSerializer.Serialize(Hostile)}}
              output:
                links:
                  - title: Sneaky
                    url: 'javascript:alert(5)'
                  - title: Data
                    url: 'data:text/html,<script>alert(6)</script>'
                text:
                  - title: Next steps
                    content: {{JsonSerializer.Serialize(Hostile)}}
            """);
        return file;
    }

    [BrowserFact]
    public async Task Script_and_data_links_in_template_output_and_log_are_shown_as_text_not_links()
    {
        await SignInAsync(returnUrl: "/create");
        var register = await Page.APIRequest.PostAsync("/api/catalog/locations", new()
        {
            DataObject = new { type = "file", target = WriteTemplate() },
            Headers = new Dictionary<string, string> { ["Origin"] = PortalOrigin }, // a script's write with the page's cookie, as the portal's own page sends it
        });
        Assert.True(register.Ok, $"{register.Status} {await register.TextAsync()}");
        var created = await Page.APIRequest.PostAsync("/api/scaffolder/tasks", new()
        {
            DataObject = new { templateRef = "template:default/autolinks", values = new { } },
            Headers = new Dictionary<string, string> { ["Origin"] = PortalOrigin },
        });
        Assert.True(created.Ok, $"{created.Status} {await created.TextAsync()}");
        using var json = JsonDocument.Parse(await created.TextAsync());
        var id = json.RootElement.GetProperty("id").GetString();

        await GotoAsync($"/create/tasks/{id}");
        await Expect(Page.GetByTestId("task-status")).ToHaveTextAsync("completed", new() { Timeout = 60_000 });
        await Expect(Page.GetByTestId("output-text")).ToContainTextAsync("javascript:alert(document.domain)");
        await Expect(Page.GetByTestId("output-text")).ToContainTextAsync("click me also pixel and a fine one");
        await Expect(Page.GetByTestId("task-log")).ToContainTextAsync("vbscript:msgbox(1)");

        var hrefs = await Page.Locator("a[href]").EvaluateAllAsync<string[]>("links => links.map(a => a.getAttribute('href'))");
        var sources = await Page.Locator("[src]").EvaluateAllAsync<string[]>("nodes => nodes.map(n => n.getAttribute('src'))");
        foreach (var url in hrefs.Concat(sources))
        {
            var scheme = new string(url.Where(c => !char.IsWhiteSpace(c) && !char.IsControl(c)).ToArray()).ToLowerInvariant();
            Assert.False(scheme.StartsWith("javascript:", StringComparison.Ordinal) || scheme.StartsWith("vbscript:", StringComparison.Ordinal)
                || scheme.StartsWith("data:", StringComparison.Ordinal), $"A live link to {url}");
        }
        Assert.Contains("https://example.com/docs", hrefs);
        await Expect(Page.GetByTestId("output-link-sneaky")).ToHaveCountAsync(0);
        await Expect(Page.GetByTestId("output-link-data")).ToHaveCountAsync(0);
        await ScreenshotAsync("Task_page");
        AssertNoConsoleErrors();
    }
}
