using System.Net;
using Portal.IntegrationTests.Foundation;
using Portal.TestSupport;

namespace Portal.IntegrationTests.ScaleOut;

/// <summary>A replica killed with SIGKILL (issue 25): what it was doing for people and jobs carries on at the others.</summary>
[Collection(PortalProcessCollection.Name)]
public sealed class ReplicaFailoverTests
{
    [Fact]
    public async Task A_person_whose_replica_is_killed_stays_signed_in_on_the_replica_that_takes_over()
    {
        await using var replicas = await PortalReplicas.StartAsync(2);
        using var browser = new ReplicaBrowser();
        await browser.SignInAsync(replicas.Proxy.BaseAddress);
        var home = await browser.GetAsync(replicas.Proxy.BaseAddress, "catalog");
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        var pinned = home.Headers.GetValues(ReplicaProxy.ReplicaHeader).Single();

        replicas.Kill(pinned == ReplicaProxy.DestinationId(0) ? 0 : 1);

        var after = await browser.GetAsync(replicas.Proxy.BaseAddress, "catalog");
        Assert.Equal(HttpStatusCode.OK, after.StatusCode); // not a redirect to the sign-in page
        Assert.NotEqual(pinned, after.Headers.GetValues(ReplicaProxy.ReplicaHeader).Single());
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(replicas.Proxy.BaseAddress, "api/identity/me")).StatusCode);
    }
}
