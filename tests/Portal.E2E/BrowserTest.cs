using System.Runtime.CompilerServices;
using Microsoft.Playwright;

namespace Portal.E2E;

/// <summary>A fresh browser context per test; console errors fail the test; a screenshot is saved per test.</summary>
public abstract class BrowserTest(PortalBrowserFixture fixture) : IAsyncLifetime
{
    private readonly List<string> _consoleErrors = [];
    private IBrowserContext? _context;

    protected PortalBrowserFixture Fixture { get; } = fixture;

    /// <summary>
    /// <c>http://127.0.0.1:port</c>. API calls made with the page's cookie but outside the page (<c>Page.APIRequest</c>)
    /// send it as <c>Origin</c>, as the portal's own pages do: cookie-authenticated writes from elsewhere are refused.
    /// </summary>
    protected string PortalOrigin => Fixture.Portal.BaseAddress.GetLeftPart(UriPartial.Authority);
    protected IPage Page { get; private set; } = null!;
    protected IReadOnlyList<string> ConsoleErrors => _consoleErrors;

    public async Task InitializeAsync()
    {
        _context = await Fixture.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Fixture.Portal.BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1400, Height = 900 },
        });
        _context.SetDefaultTimeout(15_000);
        Page = await _context.NewPageAsync();
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
            await _context.DisposeAsync();
        }
    }

    /// <summary>Saves TestResults/screenshots/&lt;class&gt;.&lt;test&gt;.png for people to look at.</summary>
    protected Task ScreenshotAsync([CallerMemberName] string name = "") =>
        Page.ScreenshotAsync(new PageScreenshotOptions
        {
            Path = Path.Combine(PortalBrowserFixture.ScreenshotDirectory, $"{GetType().Name}.{name}.png"),
            FullPage = true,
        });

    /// <summary>Waits until the Blazor circuit is connected, so clicks reach the server.</summary>
    protected async Task GotoAsync(string path)
    {
        await Page.GotoAsync(path);
        await Page.WaitForFunctionAsync("() => window.Blazor !== undefined && document.querySelector('.mud-layout') !== null");
        await Page.WaitForLoadStateAsync(LoadState.NetworkIdle);
    }

    /// <summary>Signs in through the sign-in form, as a person would.</summary>
    protected async Task SignInAsync(string userName = "admin", string password = PortalBrowserFixture.AdminPassword, string returnUrl = "/")
    {
        await Page.GotoAsync($"/account/login?returnUrl={Uri.EscapeDataString(returnUrl)}");
        await Page.GetByLabel("User name or e-mail").FillAsync(userName);
        await Page.GetByLabel("Password").FillAsync(password);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Page.WaitForFunctionAsync("() => window.Blazor !== undefined && document.querySelector('.mud-layout') !== null");
        await Page.WaitForLoadStateAsync(LoadState.NetworkIdle);
    }

    protected void AssertNoConsoleErrors() => Assert.True(_consoleErrors.Count == 0, "Console errors:\n" + string.Join('\n', _consoleErrors));
}
