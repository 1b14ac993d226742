using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Portal.TestSupport;

namespace Portal.IntegrationTests;

/// <summary>The portal in-process (TestServer) on its own fresh database in the shared test cluster.</summary>
public sealed class PortalAppFactory : WebApplicationFactory<Program>
{
    public string ConnectionString { get; } = TestCluster.CreateDatabase();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:Portal", ConnectionString);
        builder.UseSetting("Portal:Jobs:WorkerCount", "1");
        builder.UseEnvironment("Development");
    }
}
