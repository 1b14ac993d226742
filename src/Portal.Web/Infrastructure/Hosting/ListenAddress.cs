using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Portal.Web.Infrastructure.Hosting;

/// <summary>How wide a listening address is: loopback by name (IPv4 and IPv6), every interface, or one IP address.</summary>
public enum ListenScope
{
    Localhost,
    Any,
    Ip,
}

/// <summary>
/// One address Kestrel listens on, read the way Kestrel reads <c>urls</c>: <c>localhost</c> is loopback, <c>*</c>,
/// <c>+</c>, <c>0.0.0.0</c> and <c>::</c> are every interface, an IP literal is itself, and any other host name is
/// every interface (Kestrel does not resolve names).
/// </summary>
public sealed record ListenAddress(ListenScope Scope, IPAddress? Ip, int Port)
{
    /// <summary>Kestrel's default when neither <c>urls</c> nor <c>http_ports</c> is set.</summary>
    public const string KestrelDefaultUrl = "http://localhost:5000";

    public override string ToString() => Scope switch
    {
        ListenScope.Localhost => $"localhost:{Port}",
        ListenScope.Any => $"*:{Port} (every interface)",
        _ => Ip!.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{Ip}]:{Port}" : $"{Ip}:{Port}",
    };

    /// <summary>The socket addresses a bind of this address takes (localhost: both loopbacks, as Kestrel binds them).</summary>
    public IReadOnlyList<IPEndPoint> EndPoints() => Scope switch
    {
        ListenScope.Localhost => [new(IPAddress.Loopback, Port), new(IPAddress.IPv6Loopback, Port)],
        ListenScope.Any => [new(Socket.OSSupportsIPv6 ? IPAddress.IPv6Any : IPAddress.Any, Port)],
        _ => [new(Ip!, Port)],
    };

    /// <summary>
    /// The HTTP addresses Kestrel would bind by itself: <c>urls</c> (ASPNETCORE_URLS), else <c>http_ports</c>
    /// (ASPNETCORE_HTTP_PORTS, set by the .NET container images) on every interface, else its default. Only http://
    /// is accepted: the caller binds these itself and has no certificate to give an https:// address.
    /// </summary>
    public static IReadOnlyList<ListenAddress> FromHttpSettings(string? urls, string? httpPorts, string reason)
    {
        var split = StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries;
        if (string.IsNullOrWhiteSpace(urls) && !string.IsNullOrWhiteSpace(httpPorts))
        {
            return httpPorts.Split(';', split).Select(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port <= 65535
                    ? new ListenAddress(ListenScope.Any, null, port)
                    : throw new PortalStartupException($"ASPNETCORE_HTTP_PORTS: '{p}' is not a port number."))
                .ToList();
        }
        var result = new List<ListenAddress>();
        foreach (var url in (string.IsNullOrWhiteSpace(urls) ? KestrelDefaultUrl : urls).Split(';', split))
        {
            BindingAddress parsed;
            try
            {
                parsed = BindingAddress.Parse(url);
            }
            catch (FormatException)
            {
                throw new PortalStartupException($"ASPNETCORE_URLS: '{url}' is not an address like http://127.0.0.1:8080.");
            }
            if (!string.Equals(parsed.Scheme, Uri.UriSchemeHttp, StringComparison.OrdinalIgnoreCase) || parsed.IsNamedPipe || parsed.IsUnixPipe)
            {
                throw new PortalStartupException($"ASPNETCORE_URLS: {url} is not supported {reason}: the portal binds its addresses itself and takes "
                    + "http:// ones only. Put TLS in front of the portal, or set Portal:Slo:GrpcPort to 0.");
            }
            result.Add(FromHost(parsed.Host, parsed.Port));
        }
        return result;
    }

    /// <summary>A host as a setting names it: <c>localhost</c>, an IP address, or <c>*</c> for every interface; null for anything else.</summary>
    public static ListenAddress? ParseHost(string host, int port)
    {
        var trimmed = host.Trim();
        if (string.Equals(trimmed, "localhost", StringComparison.OrdinalIgnoreCase) || trimmed is "*" or "+"
            || IPAddress.TryParse(trimmed.Trim('[', ']'), out _))
        {
            return FromHost(trimmed, port);
        }
        return null;
    }

    /// <summary>The hosts of <paramref name="addresses"/> on another port: every interface if any of them is, else each distinct host.</summary>
    public static IReadOnlyList<ListenAddress> SameHosts(IEnumerable<ListenAddress> addresses, int port)
    {
        var moved = addresses.Select(a => a with { Port = port }).Distinct().ToList();
        return moved.Any(a => a.Scope == ListenScope.Any) ? [new ListenAddress(ListenScope.Any, null, port)] : moved;
    }

    private static ListenAddress FromHost(string host, int port)
    {
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return new(ListenScope.Localhost, null, port);
        }
        if (IPAddress.TryParse(host.Trim('[', ']'), out var ip) && !ip.Equals(IPAddress.Any) && !ip.Equals(IPAddress.IPv6Any))
        {
            return new(ListenScope.Ip, ip, port);
        }
        return new(ListenScope.Any, null, port);
    }
}
