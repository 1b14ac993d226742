using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.LoadBalancing;
using Yarp.ReverseProxy.Model;
using Yarp.ReverseProxy.Transforms;

namespace Portal.TestSupport;

/// <summary>
/// A loopback load balancer in front of portal replicas, configured as a deployment's ingress would be (YARP):
/// API and OTLP/HTTP calls round-robin over the replicas; everything else (pages, the Blazor circuit's WebSocket) is
/// sticky through an affinity cookie, falling over to another replica when its own is gone. The original Host header
/// is kept (as an ingress does), so the portal's same-origin checks see the address the browser used. A replica whose
/// readiness check fails leaves the rotation by itself (see <see cref="InRotation"/>). Every answer says
/// which replica served it in <see cref="ReplicaHeader"/>.
/// </summary>
public sealed class ReplicaProxy : IAsyncDisposable
{
    public const string ReplicaHeader = "X-Test-Replica";
    public const string AffinityCookie = ".Portal.Replica";

    private readonly WebApplication _app;

    private ReplicaProxy(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    /// <summary>The destination id of replica <paramref name="index"/> (what <see cref="ReplicaHeader"/> carries).</summary>
    public static string DestinationId(int index) => $"replica-{index}";

    public static async Task<ReplicaProxy> StartAsync(IReadOnlyList<Uri> replicas)
    {
        var port = PortalProcess.FreePort();
        var destinations = replicas.Select((uri, i) => (DestinationId(i), uri)).ToDictionary(d => d.Item1, d => d.uri);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        builder.Services.AddReverseProxy()
            .LoadFromMemory(Routes(), Clusters(destinations))
            .AddTransforms(context => context.AddResponseTransform(response =>
            {
                if (response.HttpContext.Features.Get<IReverseProxyFeature>()?.ProxiedDestination?.DestinationId is { } id)
                {
                    response.HttpContext.Response.Headers[ReplicaHeader] = id;
                }
                return ValueTask.CompletedTask;
            }));
        var app = builder.Build();
        app.UseWebSockets();
        app.MapReverseProxy();
        await app.StartAsync();
        return new ReplicaProxy(app, new Uri($"http://127.0.0.1:{port}/"));
    }

    /// <summary>
    /// Whether the proxy still sends requests to replica <paramref name="index"/>: its active health check (the replica's
    /// <c>/health/ready</c>, every second, as a Kubernetes readiness probe) has not failed twice in a row.
    /// </summary>
    public bool InRotation(int index) => ActiveHealth(index).All(h => h != DestinationHealth.Unhealthy);

    /// <summary>Whether replica <paramref name="index"/> has answered the proxy's readiness check.</summary>
    public bool Healthy(int index) => ActiveHealth(index).All(h => h == DestinationHealth.Healthy);

    private List<DestinationHealth> ActiveHealth(int index)
    {
        var state = _app.Services.GetRequiredService<IProxyStateLookup>();
        return [.. ((string[])["round-robin", "sticky"]).Select(id => state.TryGetCluster(id, out var cluster)
            && cluster.Destinations.TryGetValue(DestinationId(index), out var destination) ? destination.Health.Active : DestinationHealth.Unhealthy)];
    }

    private static List<RouteConfig> Routes() =>
    [
        new RouteConfig { RouteId = "api", ClusterId = "round-robin", Order = 1, Match = new RouteMatch { Path = "/api/{**rest}" } }.WithTransformUseOriginalHostHeader(),
        new RouteConfig { RouteId = "otlp", ClusterId = "round-robin", Order = 1, Match = new RouteMatch { Path = "/v1/{**rest}" } }.WithTransformUseOriginalHostHeader(),
        new RouteConfig { RouteId = "ui", ClusterId = "sticky", Order = 2, Match = new RouteMatch { Path = "/{**rest}" } }.WithTransformUseOriginalHostHeader(),
    ];

    private static List<ClusterConfig> Clusters(Dictionary<string, Uri> destinations)
    {
        var targets = destinations.ToDictionary(d => d.Key, d => new DestinationConfig { Address = d.Value.GetLeftPart(UriPartial.Authority) }, StringComparer.Ordinal);
        // A replica that stops answering its readiness check leaves the rotation (two failures in a row), and comes back
        // once it answers again; no test code takes it out.
        var health = new HealthCheckConfig
        {
            Active = new ActiveHealthCheckConfig
            {
                Enabled = true,
                Interval = TimeSpan.FromSeconds(1),
                Timeout = TimeSpan.FromSeconds(5),
                Policy = HealthCheckConstants.ActivePolicy.ConsecutiveFailures,
                Path = "/health/ready",
            },
        };
        return
        [
            new ClusterConfig { ClusterId = "round-robin", LoadBalancingPolicy = LoadBalancingPolicies.RoundRobin, HealthCheck = health, Destinations = targets },
            new ClusterConfig
            {
                ClusterId = "sticky",
                LoadBalancingPolicy = LoadBalancingPolicies.RoundRobin,
                SessionAffinity = new SessionAffinityConfig
                {
                    Enabled = true,
                    Policy = "Cookie",
                    FailurePolicy = "Redistribute",
                    AffinityKeyName = AffinityCookie,
                },
                HealthCheck = health,
                Destinations = targets,
            },
        ];
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
