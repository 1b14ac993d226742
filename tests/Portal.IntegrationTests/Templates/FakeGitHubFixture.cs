using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.TestSupport;
using Portal.Web.Features.Catalog;
using static Portal.IntegrationTests.Templates.TemplateKit;

namespace Portal.IntegrationTests.Templates;

/// <summary>
/// One portal and one fake GitHub for a test class: the portal's settings point at the fake once, when it starts, so
/// the fake must live as long as the portal does (not one per test).
/// </summary>
public sealed class FakeGitHubFixture : IAsyncLifetime
{
    public const string Token = "ghp_fakeTokenForTheLoopbackGitHub0001";

    public PortalAppFactory Factory { get; } = new();

    public FakeGitHubServer GitHub { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        GitHub = new FakeGitHubServer(Path.Combine(Factory.TemplatesFolder, "fake-github"), Token, "portal-bot", "acme");
        Factory.Settings["Portal:Templates:GitHub:ApiBaseUrl"] = GitHub.ApiBaseUrl;
        Factory.Settings["Portal:Templates:GitHub:Token"] = Token;
        Factory.Settings["Portal:Catalog:GitCredentials:0:Host"] = "localhost";
        Factory.Settings["Portal:Catalog:GitCredentials:0:Token"] = Token;
        var thumbprint = HttpsTestServer.Thumbprint;
        Factory.ReplaceServices = services => services.AddHttpClient("github").ConfigurePrimaryHttpMessageHandler((handler, _) =>
            ((SocketsHttpHandler)handler).SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate?.GetCertHashString() == thumbprint);
        await Factory.SeedDemoAsync();
        using var admin = Factory.AdminClient();
        await using var db = await Factory.DbAsync();
        foreach (var (name, (folder, _, _)) in UpstreamTemplateTests.Cases)
        {
            if (!await db.CatalogEntities.AnyAsync(e => e.EntityRef == $"template:default/{name}"))
            {
                await RegisterAsync(admin, Path.Combine(UpstreamTemplateTests.TestData, folder, "template.yaml"));
            }
        }
    }

    public async Task DisposeAsync()
    {
        await GitHub.DisposeAsync();
        await Factory.DisposeAsync();
    }
}
