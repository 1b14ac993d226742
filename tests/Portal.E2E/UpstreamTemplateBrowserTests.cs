using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Portal.TestSupport;
using static Microsoft.Playwright.Assertions;

namespace Portal.E2E;

/// <summary>
/// Backstage's public springboot-grpc-template, registered unchanged, through the form: the name checked as one types,
/// the owner picker, the repository picker's parts limited to the allowed host, review, preview, and Create against the
/// fake GitHub the browser tests' portal is configured with (GitHub Enterprise's form): the repository is made there and
/// the component registered. A GitHub repository is linked to its GitHub page (the portal's repository view is for
/// publish:git repositories; TemplateBrowserTests covers it).
/// </summary>
[Collection(PortalBrowserCollection.Name)]
public sealed partial class UpstreamTemplateBrowserTests(PortalBrowserFixture fixture) : BrowserTest(fixture)
{
    [BrowserFact]
    public async Task An_upstream_Backstage_template_goes_through_the_form_with_pickers_validation_review_and_preview_and_creates_its_repository_on_the_fake_GitHub()
    {
        await SignInAsync(returnUrl: "/create");
        // A copy beside the portal's data, as the other browser tests register their templates.
        var source = Path.Combine(PortalProcess.RepositoryRoot(), "tests", "Portal.IntegrationTests", "Templates", "TestData", "software-templates",
            "springboot-grpc-template");
        var folder = Path.Combine(Fixture.DataDirectory, "e2e-templates", "springboot-grpc-template");
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(folder, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }
        var template = Path.Combine(folder, "template.yaml");
        var register = await Page.APIRequest.PostAsync("/api/catalog/locations", new()
        {
            DataObject = new { type = "file", target = template },
            Headers = new Dictionary<string, string> { ["Origin"] = PortalOrigin },
        });
        Assert.True(register.Ok || register.Status == 409, $"{register.Status} {await register.TextAsync()}");

        await GotoAsync("/create/templates/default/springboot-template");
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Spring Boot gRPC Service", Level = 1 })).ToBeVisibleAsync();

        var name = Page.GetByTestId("param-component_id");
        await name.FillAsync("Greeter Svc");
        await Expect(Page.GetByText(new Regex("Name must be a valid entity name"))).ToBeVisibleAsync();
        await ScreenshotAsync("Upstream_name_refused");
        await name.FillAsync("e2e-greeter");
        await Expect(Page.GetByText(new Regex("Name must be a valid entity name"))).ToHaveCountAsync(0);
        await Page.GetByTestId("param-java_package_name").FillAsync("io.acme.greeter");
        await Page.GetByTestId("param-owner").FillAsync("payments");
        // Teams are offered by display name; the template gets the ref (the preview's catalog-info.yaml below).
        await Page.GetByRole(AriaRole.Option, new() { Name = "Payments", Exact = true }).ClickAsync();
        await Expect(Page.GetByTestId("param-owner")).ToHaveValueAsync("Payments");
        await Page.GetByTestId("form-next").ClickAsync();

        // Nothing is wrong yet, so nothing says so (a literal "Error" once showed under pickers and radio groups).
        await Expect(Page.GetByTestId("param-repoUrl-host")).ToBeVisibleAsync();
        await Expect(Page.GetByText("Error", new() { Exact = true })).ToHaveCountAsync(0);
        // The repository picker: the one allowed host is preset (the review shows it), owner and repository are typed.
        await Page.GetByTestId("param-repoUrl-owner").FillAsync("acme");
        await Page.GetByTestId("param-repoUrl-repo").FillAsync("bad name");
        await Expect(Page.GetByText(new Regex("the repository name 'bad name' may only use"))).ToBeVisibleAsync();
        await Page.GetByTestId("param-repoUrl-repo").FillAsync("e2e-greeter");
        await Expect(Page.GetByText(new Regex("may only use"))).ToHaveCountAsync(0);
        await ScreenshotAsync("Upstream_repository_picker");
        await Page.GetByTestId("form-next").ClickAsync();

        await Expect(Page.GetByTestId("review-table")).ToContainTextAsync("github.com?owner=acme&repo=e2e-greeter");
        await Page.GetByTestId("form-preview").ClickAsync();
        await Page.GetByTestId("preview-file-catalog-info.yaml").ClickAsync();
        await Expect(Page.GetByTestId("preview-content")).ToContainTextAsync("github.com/project-slug: acme/e2e-greeter");
        await ScreenshotAsync("Upstream_preview");

        // Create: the repository is made on the fake GitHub (the portal's GitHub Enterprise setting points at it).
        await Page.GetByTestId("form-create").ClickAsync();
        await Expect(Page).ToHaveURLAsync(new Regex("/create/tasks/[0-9a-f-]{36}$"));
        await Expect(Page.GetByTestId("task-status")).ToHaveTextAsync("completed", new() { Timeout = 60_000 });
        await Expect(Page.GetByTestId("output-link-repository")).ToHaveAttributeAsync("href", $"{Fixture.GitHub.Url}/acme/e2e-greeter");
        Assert.True(Fixture.GitHub.Exists("acme", "e2e-greeter"));
        await ScreenshotAsync("Upstream_created");
        var taskPath = new Uri(Page.Url).AbsolutePath;
        await Page.GetByTestId("output-link-open-in-catalog").ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "e2e-greeter", Level = 1 })).ToBeVisibleAsync();

        // The repository on GitHub also opens in the portal, from the copy of the pushed commit the publisher kept.
        await GotoAsync(taskPath);
        await Page.GetByTestId("output-browse-repository").ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "acme/e2e-greeter", Level = 1 })).ToBeVisibleAsync();
        await Expect(Page.GetByTestId("repository-clone")).ToHaveTextAsync($"git clone {Fixture.GitHub.Url}/acme/e2e-greeter.git");
        await Expect(Page.GetByTestId("repository-files")).ToContainTextAsync("catalog-info.yaml");
        await ScreenshotAsync("Upstream_repository_view");
        AssertNoConsoleErrors();
    }
}
