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

    public const string GitHubToken = "ghp_fakeTokenForTheE2ELoopbackGitHub01";

    public PortalProcess Portal { get; private set; } = null!;

    /// <summary>
    /// A fake GitHub on loopback (GitHub cannot be reached from here): the portal's publish:github creates repositories
    /// in it, as with GitHub Enterprise. Its certificate is trusted through SSL_CERT_FILE (the portal) and
    /// GIT_SSL_CAINFO (git, set by the fake in this process's environment, which the portal inherits).
    /// </summary>
    public FakeGitHubServer GitHub { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;
    public string DataDirectory => _dataDirectory;

    public static string ScreenshotDirectory { get; } =
        Path.Combine(PortalProcess.RepositoryRoot(), "TestResults", "screenshots");

    public async Task InitializeAsync()
    {
        EmbeddedPostgresCleanup();
        GitHub = new FakeGitHubServer(Path.Combine(_dataDirectory, "fake-github"), GitHubToken, "portal-bot", "acme");
        Portal = await PortalProcess.StartAsync(_dataDirectory, new Dictionary<string, string?>
        {
            ["Portal__Templates__GitHub__ApiBaseUrl"] = GitHub.ApiBaseUrl,
            ["Portal__Templates__GitHub__Token"] = GitHubToken,
            ["Portal__Catalog__GitCredentials__0__Host"] = "localhost",
            ["Portal__Catalog__GitCredentials__0__Token"] = GitHubToken,
            ["SSL_CERT_FILE"] = HttpsTestServer.CertificatePemFile,
            ["Portal__Identity__AdminPassword"] = AdminPassword,
            // Every browser test signs in from 127.0.0.1, more than 20 times a minute in a full run; the limit has its own test.
            ["Portal__Identity__SignInAttemptsPerMinute"] = "1000",
            // Every template test runs as admin on this one portal, and a run may still be finishing when the next test starts; the limit has its own test.
            ["Portal__Templates__MaxActiveTasksPerUser"] = "100",
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
        try
        {
            if (Browser is not null)
            {
                // Closing has no Playwright timeout; disposing Playwright below ends its driver, and with it the browser.
                await Browser.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromMinutes(1));
            }
        }
        finally
        {
            _playwright?.Dispose();
            if (Portal is not null)
            {
                await Portal.DisposeAsync();
            }
            if (GitHub is not null)
            {
                await GitHub.DisposeAsync();
            }
            TestCluster.TryDelete(_dataDirectory);
        }
    }

    private static void EmbeddedPostgresCleanup() =>
        global::Portal.Web.Infrastructure.Postgres.EmbeddedPostgres.RemoveAbandonedClusters(TestCluster.Root, TestCluster.AbandonedAfter);
}

[CollectionDefinition(Name)]
public sealed class PortalBrowserCollection : ICollectionFixture<PortalBrowserFixture>
{
    public const string Name = "Portal in a browser";
}
