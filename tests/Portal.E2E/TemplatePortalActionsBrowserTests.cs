using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Portal.E2E;

/// <summary>
/// A template with Roadie's SelectFieldFromApi (choices from the portal's own catalog API, as the person filling in the
/// form; a field pointing outside the portal shows its reason in the form) and a notification:send step, run by a team
/// member: the notification arrives in their inbox, the bell counts it, and marking it read clears the count.
/// </summary>
[Collection(PortalBrowserCollection.Name)]
public sealed class TemplatePortalActionsBrowserTests(PortalBrowserFixture fixture) : BrowserTest(fixture)
{
    private const string Person = "nils.berg";
    private const string GivenPassword = "given-password-12";

    [BrowserFact]
    public async Task A_member_picks_from_an_API_backed_select_creates_and_finds_the_notification_behind_the_bell()
    {
        await SignInAsync();
        await RegisterTemplateAsync("api-select-demo", $$$"""
            apiVersion: scaffolder.backstage.io/v1beta3
            kind: Template
            metadata:
              name: api-select-demo
              title: Kind announcement
            spec:
              owner: group:default/platform
              type: service
              parameters:
                - title: Choose
                  required: [kind]
                  properties:
                    kind:
                      title: Kind
                      type: string
                      ui:field: SelectFieldFromApi
                      ui:options:
                        path: 'catalog/entity-facets'
                        params: {facet: kind}
                        arraySelector: 'facets.kind'
                        valueSelector: 'value'
                        labelSelector: 'value'
                        placeholder: 'Select a kind'
                    elsewhere:
                      title: From elsewhere
                      type: string
                      ui:field: SelectFieldFromApi
                      ui:options:
                        path: 'https://evil.example/api/catalog/entity-facets'
              steps:
                - id: notify
                  name: Notify
                  action: notification:send
                  input:
                    recipients: entity
                    entityRefs: ['user:default/{{{Person}}}']
                    title: 'Picked ${{ parameters.kind }}'
                    info: 'Sent by the browser test template.'
                    link: /create/tasks
            """);
        var origin = new Dictionary<string, string> { ["Origin"] = PortalOrigin };
        var created = await Page.APIRequest.PostAsync("/api/identity/users", new() { DataObject = new { userName = Person, password = GivenPassword, roles = Array.Empty<string>() }, Headers = origin });
        Assert.True(created.Status == 201, await created.TextAsync());

        await SignInAsNewUserAsync(Person, "own-password-for-nils-7", GivenPassword);
        await GotoAsync("/create/templates/default/api-select-demo");
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Kind announcement", Level = 1 })).ToBeVisibleAsync();

        // The field that points outside the portal says why, in the form.
        await Expect(Page.GetByTestId("param-elsewhere-error")).ToContainTextAsync("never a URL or another host");
        await Page.GetByTestId("param-kind").ClickAsync();
        await Page.GetByRole(AriaRole.Option, new() { Name = "Component", Exact = true }).ClickAsync();
        await ScreenshotAsync("Api_select_form");
        await Page.GetByTestId("form-next").ClickAsync();
        await Expect(Page.GetByTestId("review-table")).ToContainTextAsync("Component");
        await Page.GetByTestId("form-create").ClickAsync();
        await Expect(Page).ToHaveURLAsync(new Regex("/create/tasks/[0-9a-f-]{36}$"));
        await Expect(Page.GetByTestId("task-status")).ToHaveTextAsync("completed", new() { Timeout = 60_000 });

        await GotoAsync("/notifications");
        var item = Page.GetByTestId("inbox-item").Filter(new() { HasText = "Picked Component" });
        await Expect(item).ToHaveAttributeAsync("data-read", "false");
        await Expect(item.GetByTestId("inbox-info")).ToHaveTextAsync("Sent by the browser test template.");
        await Expect(Page.GetByTestId("inbox-bell")).ToHaveAttributeAsync("data-unread", "1");
        await Expect(Page.GetByRole(AriaRole.Link, new() { Name = "Notifications, 1 unread" })).ToBeVisibleAsync();
        await ScreenshotAsync("Notifications_unread");

        await item.GetByTestId("inbox-toggle-read").ClickAsync();
        await Expect(item).ToHaveAttributeAsync("data-read", "true");
        await Expect(Page.GetByTestId("inbox-bell")).ToHaveAttributeAsync("data-unread", "0");
        await ScreenshotAsync("Notifications_read");
        AssertNoConsoleErrors();
    }

    /// <summary>A new account chooses its own password at first sign-in, then lands on the home.</summary>
}
