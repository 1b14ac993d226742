using Portal.TestSupport;

namespace Portal.IntegrationTests.ScaleOut;

/// <summary>Two replicas on one database behind the proxy, shared by a test class whose tests kill none of them.</summary>
public sealed class ReplicasFixture : IAsyncLifetime
{
    public PortalReplicas Replicas { get; private set; } = null!;

    public async Task InitializeAsync() => Replicas = await PortalReplicas.StartAsync(2);

    public async Task DisposeAsync()
    {
        if (Replicas is not null)
        {
            await Replicas.DisposeAsync();
        }
    }
}
