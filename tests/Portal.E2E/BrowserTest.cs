using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using System.Threading.Channels;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Portal.E2E;

/// <summary>
/// A fresh browser context per test; console errors fail the test; a screenshot is saved per test. Every page a test opens
/// (<see cref="GotoAsync"/>, <see cref="SignInAsync"/>) or takes a screenshot of is scanned with axe in light and dark
/// theme, and any WCAG 2.1 A/AA violation fails the test (<see cref="AssertAccessibleAsync"/>).
/// </summary>
public abstract class BrowserTest(PortalBrowserFixture fixture) : IAsyncLifetime
{
    private readonly List<string> _consoleErrors = [];
    private IBrowserContext? _context;
    private int _serverLogMark;

    protected PortalBrowserFixture Fixture { get; } = fixture;

    private static readonly TimeSpan BrowserTimeout = TimeSpan.FromMinutes(1);

    /// <summary>
    /// <c>http://127.0.0.1:port</c>. API calls made with the page's cookie but outside the page (<c>Page.APIRequest</c>)
    /// send it as <c>Origin</c>, as the portal's own pages do: cookie-authenticated writes from elsewhere are refused.
    /// </summary>
    protected string PortalOrigin => Fixture.Portal.BaseAddress.GetLeftPart(UriPartial.Authority);
    protected IPage Page { get; private set; } = null!;
    protected IReadOnlyList<string> ConsoleErrors => _consoleErrors;

    public async Task InitializeAsync()
    {
        _serverLogMark = Fixture.Portal.OutputMark;
        // Opening and closing contexts and pages has no Playwright timeout; a browser that stopped answering fails this
        // test instead of holding the run.
        _context = await Fixture.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Fixture.Portal.BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1400, Height = 900 },
        }).WaitAsync(BrowserTimeout);
        _context.SetDefaultTimeout(15_000);
        Page = await _context.NewPageAsync().WaitAsync(BrowserTimeout);
        Page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                _consoleErrors.Add(message.Text);
            }
        };
        Page.PageError += (_, error) => _consoleErrors.Add(error);
    }

    public async Task DisposeAsync()
    {
        if (_context is not null)
        {
            await _context.DisposeAsync().AsTask().WaitAsync(BrowserTimeout);
        }
        AssertNoServerErrors();
    }

    /// <summary>
    /// Fails the test when the portal logged an error (a server-side exception, a failed job) while it ran, unless the
    /// test expects that line (<see cref="IsExpectedServerError"/>). Runs after every test; tests may call it earlier.
    /// </summary>
    protected void AssertNoServerErrors()
    {
        // A circuit whose browser page has closed (the previous test's, as its context is disposed) cannot finish a JS call:
        // Blazor logs that JSDisconnectedException as an unhandled circuit error, though no person saw anything fail.
        // Likewise a navigation still pending when that page closed is cancelled with the circuit (TaskCanceledException).
        var errors = Fixture.Portal.ErrorLogLinesSince(_serverLogMark)
            .Where(line => !IsClosedPageNoise(line) && !IsSpuriousCommitError(line) && !IsExpectedServerError(line)).ToList();
        Assert.True(errors.Count == 0, "The portal logged errors during the test:\n" + string.Join('\n', errors));
    }

    private static bool IsClosedPageNoise(string line) =>
        line.Contains("JSDisconnectedException", StringComparison.Ordinal)
        || (line.Contains("TaskCanceledException", StringComparison.Ordinal)
            && (line.StartsWith("Microsoft.AspNetCore.Components.Server.Circuits.", StringComparison.Ordinal)));

    /// <summary>
    /// EF Core sometimes logs TransactionError (20205) after an asynchronous commit that succeeded: no exception is thrown and
    /// the changes are stored (dotnet/efcore#33319). Only that exception-less entry is ignored; a failed commit carries its
    /// exception (the line then has no " | state " part) and still fails the test. Seen once in a full run, in a test whose
    /// environment was being torn down by a job.
    /// </summary>
    private static bool IsSpuriousCommitError(string line) =>
        line.StartsWith("Microsoft.EntityFrameworkCore.Database.Transaction: An error occurred using a transaction. | state ", StringComparison.Ordinal);

    /// <summary>An error-level log line this test causes on purpose ("Category: Message | exception"); none by default.</summary>
    protected virtual bool IsExpectedServerError(string line) => false;

    /// <summary>
    /// Saves TestResults/screenshots/&lt;class&gt;.&lt;test&gt;.png for people to look at, then checks the page as it is
    /// (a dialog, a validation message, a finished task) with axe in both themes.
    /// </summary>
    protected async Task ScreenshotAsync([CallerMemberName] string name = "")
    {
        await SaveScreenshotAsync(name);
        await AssertAccessibleAsync(name, reloadAllowed: false);
    }

    /// <summary>Saves a screenshot once transitions have ended (a field's label moving up after a fill, a tab's ink bar), so it shows the page as a person sees it.</summary>
    protected async Task SaveScreenshotAsync(string name)
    {
        await SettleAsync();
        await Page.ScreenshotAsync(new PageScreenshotOptions
        {
            Path = Path.Combine(PortalBrowserFixture.ScreenshotDirectory, $"{GetType().Name}.{name}.png"),
            FullPage = true,
        });
    }

    /// <summary>Opens a page, waits until the Blazor circuit is connected (so clicks reach the server), then checks it with axe.</summary>
    protected async Task GotoAsync(string path)
    {
        await OpenAsync(path);
        await AssertAccessibleAsync("opened", reloadAllowed: true);
    }

    /// <summary>Opens a page and waits for the circuit, without the accessibility check.</summary>
    protected async Task OpenAsync(string path)
    {
        await Page.GotoAsync(path);
        await WaitForPortalAsync();
    }

    /// <summary>
    /// Writes a template file under the portal's data folder (<c>e2e-templates/&lt;name&gt;/template.yaml</c>) and registers it
    /// as a file location with the signed-in admin's cookie, as the locations page would; registered already is fine.
    /// </summary>
    protected async Task RegisterTemplateAsync(string name, string yaml)
    {
        var folder = Path.Combine(Fixture.DataDirectory, "e2e-templates", name);
        Directory.CreateDirectory(folder);
        var template = Path.Combine(folder, "template.yaml");
        await File.WriteAllTextAsync(template, yaml);
        var register = await Page.APIRequest.PostAsync("/api/catalog/locations", new()
        {
            DataObject = new { type = "file", target = template },
            Headers = new Dictionary<string, string> { ["Origin"] = PortalOrigin },
        });
        Assert.True(register.Ok || register.Status == 409, $"{register.Status} {await register.TextAsync()}");
    }

    /// <summary>
    /// Signs in as an account an admin just made with <paramref name="givenPassword"/>: the first sign-in asks for a
    /// password of the person's own, which is set to <paramref name="ownPassword"/>; ends on the home page.
    /// </summary>
    protected async Task SignInAsNewUserAsync(string userName, string ownPassword, string givenPassword = "given-password-12")
    {
        await Page.Context.ClearCookiesAsync();
        await Page.GotoAsync("/account/login?returnUrl=%2F");
        await Page.GetByLabel("User name or e-mail").FillAsync(userName);
        await Page.GetByLabel("Password").FillAsync(givenPassword);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Page.GetByLabel("Current password (the one you were given)").FillAsync(givenPassword);
        await Page.GetByLabel("New password", new() { Exact = true }).FillAsync(ownPassword);
        await Page.GetByLabel("Repeat the new password").FillAsync(ownPassword);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Save password" }).ClickAsync();
        await Expect(Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/$"));
        await WaitForPortalAsync();
    }

    /// <summary>
    /// Signs in through the sign-in form, as a person would; the form (<see cref="AssertSignInFormAccessibleAsync"/>) and the
    /// page it leads to are checked with axe.
    /// </summary>
    protected async Task SignInAsync(string userName = "admin", string password = PortalBrowserFixture.AdminPassword, string returnUrl = "/")
    {
        await Page.GotoAsync($"/account/login?returnUrl={Uri.EscapeDataString(returnUrl)}");
        await AssertSignInFormAccessibleAsync();
        await Page.GetByLabel("User name or e-mail").FillAsync(userName);
        await Page.GetByLabel("Password").FillAsync(password);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await WaitForPortalAsync();
        await AssertAccessibleAsync("signed in", reloadAllowed: false);
    }

    private static int signInFormChecked;

    /// <summary>
    /// Checks the sign-in form that is open with axe in both themes, once per test run: the form is one static page, the same
    /// whatever the return address (a hidden field), so after the first sign-in of the run has passed it, the dozens of later
    /// sign-ins would scan the same page again, with two reloads each, and add minutes but no coverage. A failed check is
    /// not remembered: the next sign-in checks again. (The page with a message, e.g. after a wrong password, is another
    /// page: tests that show it check it themselves.)
    /// </summary>
    protected async Task AssertSignInFormAccessibleAsync()
    {
        if (Volatile.Read(ref signInFormChecked) == 1)
        {
            return;
        }
        await AssertAccessibleAsync("sign-in form", reloadAllowed: true);
        Volatile.Write(ref signInFormChecked, 1);
    }

    /// <summary>Waits for the layout and, on interactive pages, for the circuit (the app bar's theme button says which).</summary>
    protected async Task WaitForPortalAsync()
    {
        await Page.WaitForFunctionAsync("() => window.Blazor !== undefined && document.querySelector('.mud-layout') !== null"
            + " && document.querySelector('[data-testid=theme-toggle][data-render=prerender]') === null");
        await Page.WaitForLoadStateAsync(LoadState.NetworkIdle);
    }

    /// <summary>Fails the test with axe's list (rule, impact, selectors, help link) when the page breaks a WCAG 2.1 A/AA rule in either theme.</summary>
    protected async Task AssertAccessibleAsync(string state, bool reloadAllowed)
    {
        var findings = await ScanBothThemesAsync(state, reloadAllowed);
        Assert.True(findings.Count == 0, AxeScan.Report(findings));
    }

    /// <summary>
    /// Scans the page in the theme it is in, switches to the other theme, scans again and switches back. Interactive pages switch
    /// with the app bar's theme button, as a person would (the click is dispatched, so no tooltip opens and focus stays where
    /// it was); the static account pages have no button, so the theme cookie is changed and the page reloaded, when
    /// <paramref name="reloadAllowed"/> (a GET; a reload would repeat a form post).
    /// </summary>
    protected async Task<IReadOnlyList<AxeFinding>> ScanBothThemesAsync(string state, bool reloadAllowed, string? screenshotName = null)
    {
        // The portal's pages only: not an API's JSON or text answer shown in the tab, nor another site a test opens.
        if (!Page.Url.StartsWith(PortalOrigin + "/", StringComparison.Ordinal) || await Page.EvaluateAsync<string>("() => document.contentType") != "text/html")
        {
            return [];
        }
        var toggle = Page.GetByTestId("theme-toggle");
        var interactive = await toggle.CountAsync() == 1 && await toggle.GetAttributeAsync("data-render") == "interactive";
        var dark = interactive
            ? await toggle.GetAttributeAsync("aria-pressed") == "true"
            : (await _context!.CookiesAsync()).Any(c => c.Name == ThemeCookie && c.Value == "dark");
        var findings = new List<AxeFinding>(await ScanAsync(dark, state, screenshotName));
        if (interactive)
        {
            await SwitchThemeAsync(toggle, !dark);
            findings.AddRange(await ScanAsync(!dark, state, screenshotName));
            await SwitchThemeAsync(toggle, dark);
        }
        else if (reloadAllowed)
        {
            await SetThemeCookieAsync(!dark);
            await Page.ReloadAsync();
            findings.AddRange(await ScanAsync(!dark, state, screenshotName));
            await SetThemeCookieAsync(dark);
            await Page.ReloadAsync();
        }
        return findings;
    }

    protected const string ThemeCookie = "portal-theme";

    protected Task SetThemeCookieAsync(bool dark) => _context!.AddCookiesAsync(
    [
        new Cookie { Name = ThemeCookie, Value = dark ? "dark" : "light", Url = PortalOrigin },
    ]);

    private async Task<IReadOnlyList<AxeFinding>> ScanAsync(bool dark, string state, string? screenshotName)
    {
        await SettleAsync();
        if (screenshotName is not null)
        {
            await SaveScreenshotAsync($"{screenshotName}.{(dark ? "dark" : "light")}");
        }
        return await AxeScan.ScanAsync(Page, dark ? "dark" : "light", state);
    }

    private static async Task SwitchThemeAsync(ILocator toggle, bool dark)
    {
        await toggle.DispatchEventAsync("click");
        await Expect(toggle).ToHaveAttributeAsync("aria-pressed", dark ? "true" : "false");
    }

    /// <summary>Colour transitions (a theme switch, a hover) must end first, or axe measures contrast half-way through.</summary>
    private async Task SettleAsync() => await Page.WaitForFunctionAsync(
        "() => document.getAnimations().every(a => a.playState !== 'running' || a.effect?.getComputedTiming().endTime === Infinity)");

    /// <summary>
    /// Makes the page's Blazor connection slow, as on a loaded server or a long way off: every message of the circuit's
    /// WebSocket, both ways, is passed on <paramref name="delay"/> after it was sent, in order. Call before the page opens.
    /// What a person does then reaches the server late and the server's answers (renders, focus changes) arrive late, as
    /// in production under load; races between the two show up every time instead of once in a while.
    /// </summary>
    protected Task SlowConnectionAsync(TimeSpan delay) => Page.RouteWebSocketAsync(new Regex("/_blazor"), page =>
    {
        var server = page.ConnectToServer();
        var toServer = Channel.CreateUnbounded<(DateTime Sent, IWebSocketFrame Frame)>();
        var toPage = Channel.CreateUnbounded<(DateTime Sent, IWebSocketFrame Frame)>();
        page.OnMessage(frame => toServer.Writer.TryWrite((DateTime.UtcNow, frame)));
        server.OnMessage(frame => toPage.Writer.TryWrite((DateTime.UtcNow, frame)));
        page.OnClose((_, _) => toServer.Writer.TryComplete());
        server.OnClose((_, _) => toPage.Writer.TryComplete());
        _ = PassOnAsync(toServer.Reader, server, delay);
        _ = PassOnAsync(toPage.Reader, page, delay);
    });

    private static async Task PassOnAsync(ChannelReader<(DateTime Sent, IWebSocketFrame Frame)> reader, IWebSocketRoute to, TimeSpan delay)
    {
        await foreach (var (sent, frame) in reader.ReadAllAsync())
        {
            var wait = sent + delay - DateTime.UtcNow;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }
            try
            {
                if (frame.Binary is { } binary)
                {
                    to.Send(binary);
                }
                else
                {
                    to.Send(frame.Text ?? "");
                }
            }
            catch (PlaywrightException)
            {
                return; // the page closed
            }
        }
    }

    protected void AssertNoConsoleErrors() => Assert.True(_consoleErrors.Count == 0, "Console errors:\n" + string.Join('\n', _consoleErrors));
}
