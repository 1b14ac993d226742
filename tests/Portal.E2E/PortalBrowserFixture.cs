using Microsoft.Playwright;
using Portal.TestSupport;

namespace Portal.E2E;

/// <summary>
/// One real portal process (embedded PostgreSQL, demo organisation) and one headless Debian
/// Chromium for the whole browser test collection.
/// </summary>
public sealed class PortalBrowserFixture : IAsyncLifetime
{
    private readonly string _dataDirectory = TestCluster.NewDataDirectory("e2e");
    private IPlaywright? _playwright;

    /// <summary>The embedded admin's password, set through Portal__Identity__AdminPassword as automation would.</summary>
    public const string AdminPassword = "e2e-admin-password-1";

    public PortalProcess Portal { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;
    public string DataDirectory => _dataDirectory;

    public static string ScreenshotDirectory { get; } =
        Path.Combine(PortalProcess.RepositoryRoot(), "TestResults", "screenshots");

    public async Task InitializeAsync()
    {
        EmbeddedPostgresCleanup();
        Portal = await PortalProcess.StartAsync(_dataDirectory, new Dictionary<string, string?>
        {
            ["Portal__Identity__AdminPassword"] = AdminPassword,
            // Every browser test signs in from 127.0.0.1, more than 20 times a minute in a full run; the limit has its own test.
            ["Portal__Identity__SignInAttemptsPerMinute"] = "1000",
        });
        _playwright = await Playwright.CreateAsync();
        Browser = await LaunchChromiumAsync(_playwright);
        Directory.CreateDirectory(ScreenshotDirectory);
    }

    /// <summary>
    /// Debian's Chromium (or PORTAL_CHROMIUM), headless, installed first when missing (see <see cref="TestPrerequisites"/>);
    /// the machine has no network, so no phoning home.
    /// </summary>
    public static Task<IBrowser> LaunchChromiumAsync(IPlaywright playwright) => playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
    {
        ExecutablePath = TestPrerequisites.ChromiumPath,
        Headless = true,
        Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"],
    });

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }
        _playwright?.Dispose();
        if (Portal is not null)
        {
            await Portal.DisposeAsync();
        }
        TestCluster.TryDelete(_dataDirectory);
    }

    private static void EmbeddedPostgresCleanup() =>
        global::Portal.Web.Infrastructure.Postgres.EmbeddedPostgres.RemoveAbandonedClusters(TestCluster.Root, TestCluster.AbandonedAfter);
}

[CollectionDefinition(Name)]
public sealed class PortalBrowserCollection : ICollectionFixture<PortalBrowserFixture>
{
    public const string Name = "Portal in a browser";
}
