using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Portal.Web.Infrastructure.Git;
using static Microsoft.Playwright.Assertions;

namespace Portal.E2E;

[Collection(PortalBrowserCollection.Name)]
public sealed partial class TemplateBrowserTests(PortalBrowserFixture fixture) : BrowserTest(fixture)
{
    [BrowserFact]
    public async Task A_developer_picks_a_template_fixes_a_validation_error_previews_creates_and_follows_the_links()
    {
        await SignInAsync(returnUrl: "/create");
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Create something new", Level = 1 })).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("template-card-aspnet-service")).ToContainTextAsync("ASP.NET Core service");
        await Expect(Page.GetByTestId("template-card-docs-site")).ToBeVisibleAsync();
        await ScreenshotAsync("Gallery");

        await Page.GetByTestId("choose-aspnet-service").ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "ASP.NET Core service", Level = 1 })).ToBeVisibleAsync();

        // Next with nothing filled in: the required fields say so. Then a name the pattern refuses, as one types.
        await Page.GetByTestId("form-next").ClickAsync();
        await Expect(Page.GetByText("Name is required.")).ToBeVisibleAsync();
        await Expect(Page.GetByText("Owner is required.")).ToBeVisibleAsync();
        var name = Page.GetByTestId("param-name");
        await name.FillAsync("Orders_API");
        await Expect(Page.GetByText(new Regex("Name does not match the required format"))).ToBeVisibleAsync();
        await ScreenshotAsync("Validation_error");

        await name.FillAsync("e2e-orders");
        await Expect(Page.GetByText(new Regex("Name does not match the required format"))).ToHaveCountAsync(0);
        await Page.GetByTestId("param-owner").FillAsync("payments");
        // The owner picker names teams by display name; the template still gets the ref (the preview below).
        await Page.GetByRole(AriaRole.Option, new() { Name = "Payments", Exact = true }).ClickAsync();
        await Expect(Page.GetByTestId("param-owner")).ToHaveValueAsync("Payments");
        await Page.GetByTestId("form-next").ClickAsync();
        await Expect(Page.GetByTestId("param-otlpEndpoint")).ToHaveValueAsync("");
        await Page.GetByTestId("form-next").ClickAsync();

        await Expect(Page.GetByTestId("review-table")).ToContainTextAsync("e2e-orders");
        await Expect(Page.GetByTestId("review-table")).ToContainTextAsync("Experimental");
        await Page.GetByTestId("form-preview").ClickAsync();
        await Expect(Page.GetByTestId("preview")).ToContainTextAsync("e2e-orders.slnx");
        await Page.GetByTestId("preview-file-catalog-info.yaml").ClickAsync();
        await Expect(Page.GetByTestId("preview-content")).ToContainTextAsync("owner: group:default/payments");
        await ScreenshotAsync("Preview");

        await Page.GetByTestId("form-create").ClickAsync();
        await Expect(Page).ToHaveURLAsync(TaskUrl());
        await Expect(Page.GetByTestId("task-status")).ToHaveTextAsync("completed", new() { Timeout = 60_000 });
        await Expect(Page.GetByTestId("task-log")).ToContainTextAsync("Finished step Publish to git");
        await Expect(Page.GetByTestId("step-status-register")).ToContainTextAsync("completed");
        await ScreenshotAsync("Completed_task");

        // The next steps name the portal's own address (where it listens: no public URL is configured here), not a default.
        await Expect(Page.GetByTestId("output-text")).ToContainTextAsync($"Metrics and traces go to {PortalOrigin}");
        await Expect(Page.GetByTestId("output-text")).Not.ToContainTextAsync("localhost:5000");

        // The repository opens in the portal: README rendered, the files, one file's source, a clone command that works.
        var taskPath = new Uri(Page.Url).AbsolutePath;
        await Expect(Page.GetByTestId("output-link-repository")).ToHaveAttributeAsync("href", taskPath + "/repository");
        await Page.GetByTestId("output-link-repository").ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "payments/e2e-orders", Level = 1 })).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("repository-file-path")).ToHaveTextAsync("README.md");
        await Expect(Page.GetByTestId("repository-markdown").GetByRole(AriaRole.Heading, new() { Name = "e2e-orders", Level = 3 })).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("repository-files")).ToContainTextAsync("Program.cs");
        await Expect(Page.GetByTestId("repository-files")).ToContainTextAsync("ci.yml");
        await ScreenshotAsync("Repository_view");
        var clone = (await Page.GetByTestId("repository-clone").TextContentAsync())!;
        Assert.StartsWith("git clone file://", clone, StringComparison.Ordinal);
        Assert.Contains("refs/heads/main", await GitCli.RunAsync(Path.GetTempPath(), CancellationToken.None, "ls-remote", clone["git clone ".Length..]), StringComparison.Ordinal);
        await Page.GetByTestId("repository-file").Filter(new() { HasText = "catalog-info.yaml" }).ClickAsync();
        await Expect(Page.GetByTestId("repository-file-path")).ToHaveTextAsync("catalog-info.yaml");
        await Expect(Page.GetByTestId("repository-source")).ToContainTextAsync("owner: group:default/payments");
        await ScreenshotAsync("Repository_file");
        await Page.GetByRole(AriaRole.Link, new() { Name = "Back to the task" }).ClickAsync();
        await Expect(Page).ToHaveURLAsync(TaskUrl());
        await Page.GetByTestId("output-link-open-in-catalog").ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "e2e-orders", Level = 1 })).ToBeVisibleAsync();
        await Expect(Page.GetByText("payments").First).ToBeVisibleAsync();
        await ScreenshotAsync("New_component");

        await GotoAsync("/create/tasks");
        await Expect(Page.GetByTestId("task-table")).ToContainTextAsync("ASP.NET Core service");
        await ScreenshotAsync("Task_history");
        AssertNoConsoleErrors();
    }

    [BrowserFact]
    public async Task Tags_are_picked_from_the_catalog_or_typed_new_a_bad_one_is_refused_and_a_textarea_has_the_rows_it_asks_for()
    {
        await SignInAsync();
        await RegisterTemplateAsync("tags-demo", """
            apiVersion: scaffolder.backstage.io/v1beta3
            kind: Template
            metadata:
              name: tags-demo
              title: Tagged note
            spec:
              owner: group:default/platform
              type: service
              parameters:
                - title: Describe
                  properties:
                    notes:
                      title: Notes
                      type: string
                      ui:widget: textarea
                      ui:options: {rows: 8}
                    tags:
                      title: Tags
                      type: array
                      items: {type: string}
                      ui:field: EntityTagsPicker
                      ui:options: {kinds: [Component], showCounts: true}
              steps:
                - id: say
                  name: Say
                  action: debug:log
                  input:
                    message: 'tags ${{ parameters.tags | join(",") }}'
            """);

        await GotoAsync("/create/templates/default/tags-demo");
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Tagged note", Level = 1 })).ToBeVisibleAsync();
        // MudTextField renders Lines as the textarea's rows.
        await Expect(Page.Locator("textarea[rows='8']")).ToHaveCountAsync(1);

        // A tag the catalog's components already carry, offered with its count.
        var tags = Page.GetByTestId("param-tags");
        await tags.FillAsync("pc");
        await Expect(Page.GetByTestId("param-tags-option-pci")).ToContainTextAsync(new Regex(@"^pci \(\d+\)$"));
        await Page.GetByTestId("param-tags-option-pci").ClickAsync();
        await Expect(Page.GetByTestId("param-tags-chip-pci")).ToBeVisibleAsync();

        // A new tag, typed in any case and added with Enter, becomes a lower-case chip.
        await tags.FillAsync("E2E-Fresh-Tag");
        await Expect(Page.GetByTestId("param-tags-new")).ToContainTextAsync("e2e-fresh-tag");
        await tags.PressAsync("Enter");
        await Expect(Page.GetByTestId("param-tags-chip-e2e-fresh-tag")).ToBeVisibleAsync();
        await Expect(tags).ToHaveValueAsync("");

        // A tag the catalog would refuse says why as it is typed and is not added.
        await tags.FillAsync("bad tag");
        await Expect(Page.GetByText("'bad tag' is not a valid tag", new() { Exact = false })).ToBeVisibleAsync();
        await tags.PressAsync("Enter");
        await Expect(Page.GetByTestId("param-tags-new")).ToHaveCountAsync(0);
        await Expect(Page.GetByTestId("param-tags-chips").Locator(".mud-chip")).ToHaveCountAsync(2);
        await ScreenshotAsync("Tags_picker");

        await tags.FillAsync("");
        await Expect(Page.GetByText("'bad tag' is not a valid tag", new() { Exact = false })).ToHaveCountAsync(0);
        // A chosen tag is removed with its chip's close button.
        await Page.GetByTestId("param-tags-chip-pci").Locator("button").ClickAsync();
        await Expect(Page.GetByTestId("param-tags-chips").Locator(".mud-chip")).ToHaveCountAsync(1);
        await Page.GetByTestId("form-next").ClickAsync();
        await Expect(Page.GetByTestId("review-table")).ToContainTextAsync("e2e-fresh-tag");
        await Expect(Page.GetByTestId("review-table")).Not.ToContainTextAsync("pci");
        AssertNoConsoleErrors();
    }

    [GeneratedRegex("/create/tasks/[0-9a-f-]{36}$")]
    private static partial Regex TaskUrl();
}
