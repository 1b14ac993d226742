using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Portal.E2E;

/// <summary>
/// The bell is live: a person looks at a catalog page, a template's notification:send step (started through the API)
/// sends them a notification, and the bell's count goes up without any navigation.
/// </summary>
[Collection(PortalBrowserCollection.Name)]
public sealed class InboxLiveBrowserTests(PortalBrowserFixture fixture) : BrowserTest(fixture)
{
    private const string Person = "omar.aziz";
    private const string GivenPassword = "given-password-12";

    [BrowserFact]
    public async Task A_notification_sent_while_the_person_looks_at_a_page_raises_the_bell_count_without_navigation()
    {
        await SignInAsync();
        await RegisterTemplateAsync("live-bell-demo", $$$"""
            apiVersion: scaffolder.backstage.io/v1beta3
            kind: Template
            metadata:
              name: live-bell-demo
              title: Tell Omar
            spec:
              owner: group:default/platform
              type: service
              parameters:
                - properties:
                    note: {type: string, title: Note}
              steps:
                - id: notify
                  name: Notify
                  action: notification:send
                  input:
                    recipients: entity
                    entityRefs: ['user:default/{{{Person}}}']
                    title: '${{ parameters.note }}'
                    link: /notifications
            """);
        var origin = new Dictionary<string, string> { ["Origin"] = PortalOrigin };
        var created = await Page.APIRequest.PostAsync("/api/identity/users", new() { DataObject = new { userName = Person, password = GivenPassword, roles = Array.Empty<string>() }, Headers = origin });
        Assert.True(created.Status == 201, await created.TextAsync());

        await SignInAsNewUserAsync(Person, "own-password-for-omar-7", GivenPassword);
        await GotoAsync("/catalog");
        var bell = Page.GetByTestId("inbox-bell");
        var before = int.Parse((await bell.GetAttributeAsync("data-unread"))!, CultureInfo.InvariantCulture);
        var url = Page.Url;

        // Sent through the API while the page stays where it is.
        var note = $"Live note {Guid.NewGuid():N}"[..20];
        var task = await Page.APIRequest.PostAsync("/api/scaffolder/tasks", new()
        {
            DataObject = new { templateRef = "template:default/live-bell-demo", values = new { note } },
            Headers = origin,
        });
        Assert.True(task.Status == 201, await task.TextAsync());

        await Expect(bell).ToHaveAttributeAsync("data-unread", (before + 1).ToString(CultureInfo.InvariantCulture), new() { Timeout = 60_000 });
        await Expect(Page.GetByRole(AriaRole.Link, new() { Name = $"Notifications, {before + 1} unread" })).ToBeVisibleAsync();
        Assert.Equal(url, Page.Url);
        await ScreenshotAsync("Bell_counted_live");

        await bell.ClickAsync();
        await Expect(Page.GetByTestId("inbox-item").Filter(new() { HasText = note })).ToBeVisibleAsync();
        AssertNoConsoleErrors();
    }

    /// <summary>A new account chooses its own password at first sign-in, then lands on the home.</summary>
}
