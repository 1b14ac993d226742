using System.Net.Http.Headers;
using Portal.TestSupport;
using Portal.Web.Features.Identity;

namespace Portal.IntegrationTests.Api;

/// <summary>The real portal as its own process with the demo organisation, as a client author meets it: over HTTP, with a token.</summary>
public sealed class RunningPortal : IAsyncLifetime
{
    private readonly string _dataDirectory = TestCluster.NewDataDirectory("portal-api");
    private PortalProcess? _portal;

    /// <summary>The bootstrap admin token this portal was started with.</summary>
    public string AdminToken { get; } = ApiTokenSecret.New();

    public Uri BaseAddress => _portal!.BaseAddress;

    public async Task InitializeAsync() =>
        _portal = await PortalProcess.StartAsync(_dataDirectory, new Dictionary<string, string?> { ["Portal__BootstrapAdminToken"] = AdminToken });

    public HttpClient Client(string? token = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token ?? AdminToken);
        return client;
    }

    /// <summary>The document exactly as /openapi/v1.json serves it.</summary>
    public async Task<string> DocumentAsync()
    {
        using var client = Client();
        return await client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative));
    }

    public async Task DisposeAsync()
    {
        if (_portal is not null)
        {
            await _portal.DisposeAsync();
        }
        TestCluster.TryDelete(_dataDirectory);
    }
}
