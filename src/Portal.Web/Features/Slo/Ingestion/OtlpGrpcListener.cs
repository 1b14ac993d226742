using System.Globalization;
using System.Net.Sockets;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Portal.Web.Features.Slo.Otlp.Collector;
using Portal.Web.Infrastructure.Hosting;

namespace Portal.Web.Features.Slo.Ingestion;

/// <summary>
/// The OTLP/gRPC receiver's own HTTP/2 cleartext listener (<c>Portal:Slo:GrpcPort</c>, default 4317). It is bound
/// where the web addresses are (or at <c>Portal:Slo:GrpcAddress</c>) and serves the OTLP MetricsService and nothing
/// else, so it is no way around a loopback-only web address or a TLS proxy in front of the portal.
/// </summary>
public static class OtlpGrpcListener
{
    public const string PortSetting = SloOptions.Section + ":GrpcPort";
    public const string AddressSetting = SloOptions.Section + ":GrpcAddress";
    public const int DefaultPort = 4317;

    /// <summary>The gRPC service's path prefix: the one thing the gRPC listener serves, and only it serves.</summary>
    public static readonly PathString ServicePath = "/" + MetricsService.Descriptor.FullName;

    /// <summary>What start-up decided: the addresses bound for gRPC (none when off), and why not when it was skipped.</summary>
    public sealed record Binding(IReadOnlyList<ListenAddress> Addresses, string? Warning);

    /// <summary>Set on every connection the gRPC listener accepts; requests see it through their connection's features.</summary>
    private sealed class GrpcConnection
    {
        public static readonly GrpcConnection Instance = new();
    }

    /// <summary>
    /// Adds the gRPC listener beside the portal's web addresses. Naming any endpoint in code replaces the configured
    /// URLs, so those are bound here too. A taken port stops start-up with one line naming the setting, except in
    /// Development, where the receiver is skipped with a warning so that a second portal (or a local collector on 4317)
    /// does not stop <c>dotnet run</c>.
    /// </summary>
    public static void Listen(WebApplicationBuilder builder)
    {
        var port = Port(builder.Configuration[PortSetting]);
        if (port == 0)
        {
            builder.Services.AddSingleton(new Binding([], null));
            return;
        }
        var http = ListenAddress.FromHttpSettings(builder.Configuration["urls"] ?? builder.Configuration["ASPNETCORE_URLS"],
            builder.Configuration["http_ports"] ?? builder.Configuration["ASPNETCORE_HTTP_PORTS"], $"while the OTLP/gRPC receiver is on ({PortSetting})");
        var configured = builder.Configuration[AddressSetting];
        IReadOnlyList<ListenAddress> grpc = string.IsNullOrWhiteSpace(configured)
            ? ListenAddress.SameHosts(http, port)
            : [ListenAddress.ParseHost(configured, port) ?? throw new PortalStartupException(
                $"{AddressSetting} must be localhost, an IP address, or * for every interface; '{configured}' is none of these.")];

        if (grpc.FirstOrDefault(InUse) is { } taken)
        {
            var message = $"{PortSetting} {port} is already in use at {taken} (another portal, or an OpenTelemetry Collector?).";
            if (!builder.Environment.IsDevelopment())
            {
                throw new PortalStartupException($"{message} Set {PortSetting} to a free port, or to 0 to turn the OTLP/gRPC receiver off.");
            }
            // Kestrel keeps the configured web addresses by itself (https included) when nothing is bound in code.
            builder.Services.AddSingleton(new Binding([], $"{message} The OTLP/gRPC receiver is off for this run; OTLP/HTTP on /v1/metrics "
                + $"works as usual. Set {PortSetting} to a free port, or to 0 to turn the receiver off."));
            return;
        }

        builder.Services.AddSingleton(new Binding(grpc, null));
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            foreach (var address in http)
            {
                Bind(kestrel, address, _ => { });
            }
            foreach (var address in grpc)
            {
                Bind(kestrel, address, listen =>
                {
                    listen.Protocols = HttpProtocols.Http2;
                    listen.Use(next => connection =>
                    {
                        connection.Features.Set(GrpcConnection.Instance);
                        return next(connection);
                    });
                });
            }
        });
    }

    /// <summary>
    /// First in the pipeline: the gRPC listener answers 404 to everything but the OTLP service (pages, the API, health),
    /// and the web addresses answer 404 to the OTLP service (it is gRPC's alone; HTTP/1.1 cannot carry it anyway).
    /// Keyed on the connection, not on a port number or a Host header, which a client chooses.
    /// </summary>
    public static void UseOtlpGrpcListener(this WebApplication app)
    {
        if (app.Services.GetRequiredService<Binding>().Warning is { } warning)
        {
            app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(OtlpGrpcListener)).LogWarning("{Warning}", warning);
        }
        app.Use((context, next) =>
        {
            var onGrpcListener = context.Features.Get<GrpcConnection>() is not null;
            if (onGrpcListener != context.Request.Path.StartsWithSegments(ServicePath, StringComparison.Ordinal))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }
            return next(context);
        });
    }

    private static int Port(string? value) =>
        string.IsNullOrWhiteSpace(value) ? DefaultPort
        : int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port <= 65535 ? port
        : throw new PortalStartupException($"{PortSetting} must be a port number from 1 to 65535, or 0 to turn the OTLP/gRPC receiver off; not '{value}'.");

    private static void Bind(KestrelServerOptions kestrel, ListenAddress address, Action<ListenOptions> configure)
    {
        switch (address.Scope)
        {
            case ListenScope.Localhost:
                kestrel.ListenLocalhost(address.Port, configure);
                break;
            case ListenScope.Any:
                kestrel.ListenAnyIP(address.Port, configure);
                break;
            default:
                kestrel.Listen(address.Ip!, address.Port, configure);
                break;
        }
    }

    /// <summary>
    /// Whether something already listens there. A bind without listen: it fails on a listening socket as Kestrel's
    /// bind would, and starts no server. Other errors (no IPv6 here, an address this machine lacks) are left to Kestrel,
    /// which skips a missing IPv6 loopback and reports the rest with the address.
    /// </summary>
    private static bool InUse(ListenAddress address)
    {
        foreach (var endPoint in address.EndPoints())
        {
            using var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                if (endPoint.AddressFamily == AddressFamily.InterNetworkV6 && endPoint.Address.Equals(System.Net.IPAddress.IPv6Any))
                {
                    socket.DualMode = true;
                }
                socket.Bind(endPoint);
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
            {
                return true;
            }
            catch (SocketException)
            {
                // Not this machine's to decide here; see above.
            }
        }
        return false;
    }
}
