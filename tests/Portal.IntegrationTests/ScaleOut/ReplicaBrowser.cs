using System.Net;
using System.Text.RegularExpressions;
using Portal.TestSupport;

namespace Portal.IntegrationTests.ScaleOut;

/// <summary>
/// A person's browser against replicas: one cookie jar for every address (cookies are per host, not per port, so
/// the proxy and each replica on 127.0.0.1 share them, as they share one site behind an ingress); no automatic redirects.
/// </summary>
public sealed partial class ReplicaBrowser : IDisposable
{
    private readonly HttpClientHandler _handler = new() { CookieContainer = new CookieContainer(), AllowAutoRedirect = false };
    private readonly HttpClient _client;

    public ReplicaBrowser() => _client = new HttpClient(_handler, disposeHandler: false) { Timeout = TimeSpan.FromSeconds(60) };

    public CookieContainer Cookies => _handler.CookieContainer;

    public Task<HttpResponseMessage> GetAsync(Uri site, string path) => _client.GetAsync(new Uri(site, path));

    /// <summary>The sign-in form's antiforgery token, as served by <paramref name="site"/> (its cookie lands in the jar).</summary>
    public async Task<string> SignInTokenAsync(Uri site)
    {
        var page = await _client.GetStringAsync(new Uri(site, "account/login"));
        return AntiforgeryField().Match(page).Groups[1].Value;
    }

    /// <summary>Posts the sign-in form to <paramref name="site"/> with a token read earlier (possibly from another replica).</summary>
    public Task<HttpResponseMessage> SignInAsync(Uri site, string token, string userName = "admin", string password = PortalReplicas.AdminPassword) =>
        _client.PostAsync(new Uri(site, "account/sign-in"), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["userName"] = userName,
            ["password"] = password,
            ["returnUrl"] = "/",
        }));

    /// <summary>Signs in through <paramref name="site"/> and checks it worked.</summary>
    public async Task SignInAsync(Uri site)
    {
        var response = await SignInAsync(site, await SignInTokenAsync(site));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location?.OriginalString);
    }

    public void Dispose()
    {
        _client.Dispose();
        _handler.Dispose();
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
