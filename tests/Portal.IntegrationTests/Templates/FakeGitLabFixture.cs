using Microsoft.Extensions.DependencyInjection;
using Portal.TestSupport;
using Portal.Web.Features.Templates.Actions;

namespace Portal.IntegrationTests.Templates;

/// <summary>
/// One portal and one fake GitLab for a test class: the portal's settings point at the fake once, when it starts, so the
/// fake lives as long as the portal does.
/// </summary>
public sealed class FakeGitLabFixture : IAsyncLifetime
{
    public const string Token = "glpat-fakeTokenForTheLoopbackGitLab01";

    public PortalAppFactory Factory { get; } = new();

    public FakeGitLabServer GitLab { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        GitLab = new FakeGitLabServer(Path.Combine(Factory.TemplatesFolder, "fake-gitlab"), Token, "portal-bot", "acme", "platform");
        Factory.Settings["Portal:Templates:GitLab:ApiBaseUrl"] = GitLab.ApiBaseUrl;
        Factory.Settings["Portal:Templates:GitLab:Token"] = Token;
        // The catalog reads the new projects over HTTPS with the same token (GitLab takes any user name with it).
        Factory.Settings["Portal:Catalog:GitCredentials:0:Host"] = "localhost";
        Factory.Settings["Portal:Catalog:GitCredentials:0:Username"] = "oauth2";
        Factory.Settings["Portal:Catalog:GitCredentials:0:Token"] = Token;
        var thumbprint = HttpsTestServer.Thumbprint;
        Factory.ReplaceServices = services => services.AddHttpClient(GitLabApi.HttpClientName).ConfigurePrimaryHttpMessageHandler((handler, _) =>
            ((SocketsHttpHandler)handler).SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate?.GetCertHashString() == thumbprint);
        await Factory.SeedDemoAsync();
    }

    public async Task DisposeAsync()
    {
        await GitLab.DisposeAsync();
        await Factory.DisposeAsync();
    }
}
