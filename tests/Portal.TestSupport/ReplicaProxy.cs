using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.LoadBalancing;
using Yarp.ReverseProxy.Model;
using Yarp.ReverseProxy.Transforms;

namespace Portal.TestSupport;

/// <summary>
/// A loopback load balancer in front of portal replicas, configured as a deployment's ingress would be (YARP):
/// API and OTLP/HTTP calls round-robin over the replicas; everything else (pages, the Blazor circuit's WebSocket) is
/// sticky through an affinity cookie, falling over to another replica when its own is gone. The original Host header
/// is kept (as an ingress does), so the portal's same-origin checks see the address the browser used. Every answer says
/// which replica served it in <see cref="ReplicaHeader"/>.
/// </summary>
public sealed class ReplicaProxy : IAsyncDisposable
{
    public const string ReplicaHeader = "X-Test-Replica";
    public const string AffinityCookie = ".Portal.Replica";

    private readonly WebApplication _app;
    private readonly InMemoryConfigProvider _config;
    private readonly Dictionary<string, Uri> _destinations;

    private ReplicaProxy(WebApplication app, Dictionary<string, Uri> destinations, Uri baseAddress)
    {
        _app = app;
        _destinations = destinations;
        _config = app.Services.GetRequiredService<InMemoryConfigProvider>();
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
        return new ReplicaProxy(app, destinations, new Uri($"http://127.0.0.1:{port}/"));
    }

    /// <summary>Takes a replica out of rotation, as a Kubernetes Service does once the pod is gone or not ready.</summary>
    public void Remove(int index)
    {
        _destinations.Remove(DestinationId(index));
        _config.Update(Routes(), Clusters(_destinations));
    }

    private static List<RouteConfig> Routes() =>
    [
        new RouteConfig { RouteId = "api", ClusterId = "round-robin", Order = 1, Match = new RouteMatch { Path = "/api/{**rest}" } }.WithTransformUseOriginalHostHeader(),
        new RouteConfig { RouteId = "otlp", ClusterId = "round-robin", Order = 1, Match = new RouteMatch { Path = "/v1/{**rest}" } }.WithTransformUseOriginalHostHeader(),
        new RouteConfig { RouteId = "ui", ClusterId = "sticky", Order = 2, Match = new RouteMatch { Path = "/{**rest}" } }.WithTransformUseOriginalHostHeader(),
    ];

    private static List<ClusterConfig> Clusters(Dictionary<string, Uri> destinations)
    {
        var targets = destinations.ToDictionary(d => d.Key, d => new DestinationConfig { Address = d.Value.ToString() }, StringComparer.Ordinal);
        return
        [
            new ClusterConfig { ClusterId = "round-robin", LoadBalancingPolicy = LoadBalancingPolicies.RoundRobin, Destinations = targets },
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
