using System.Net;
using System.Net.Sockets;
using Portal.Web.Infrastructure.Web;

namespace Portal.Web.Features.Catalog.Ingestion;

/// <summary>
/// The SSRF guard of the catalog's HTTP client. The host is resolved once, every address it
/// resolves to is vetted, and the connection goes to exactly a vetted address through
/// <see cref="SocketsHttpHandler.ConnectCallback"/>: a second lookup (DNS rebinding) can no
/// longer swap in 127.0.0.1 between the check and the connect.
/// </summary>
public static class UrlGuard
{
    public static SocketsHttpHandler CreateHandler(CatalogOptions options) => new()
    {
        // Redirects are followed by LocationReader, which re-checks scheme and host allow-list at each hop;
        // each hop's connection comes through ConnectAsync again.
        AllowAutoRedirect = false,
        // A proxy would resolve the name itself, behind the guard's back.
        UseProxy = false,
        ConnectTimeout = TimeSpan.FromSeconds(10),
        ConnectCallback = (context, ct) => ConnectAsync(context.DnsEndPoint, options.AllowPrivateNetworkUrls, ct),
    };

    public static async ValueTask<Stream> ConnectAsync(DnsEndPoint endPoint, bool allowPrivate, CancellationToken cancellationToken)
    {
        SocketException? last = null;
        // Only vetted addresses are tried, in the resolver's order (localhost may answer ::1 first and listen on 127.0.0.1 only).
        foreach (var address in await ResolveAsync(endPoint.Host, allowPrivate, cancellationToken))
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, endPoint.Port), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                last = ex;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
        throw last!;
    }

    /// <summary>The addresses to connect to: every address of the host must be public (unless allowed), so no round-robin answer slips one in.</summary>
    public static async Task<IPAddress[]> ResolveAsync(string host, bool allowPrivate, CancellationToken cancellationToken)
    {
        var name = host.Trim('[', ']');
        IPAddress[] addresses;
        try
        {
            addresses = IPAddress.TryParse(name, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(name, cancellationToken);
        }
        catch (SocketException)
        {
            throw new UrlRefusedException($"The host {host} could not be resolved.");
        }
        if (addresses.Length == 0)
        {
            throw new UrlRefusedException($"The host {host} could not be resolved.");
        }
        var blocked = allowPrivate ? null : addresses.FirstOrDefault(a => !PublicAddress.IsPublic(a));
        if (blocked is not null)
        {
            throw new UrlRefusedException(
                $"{host} resolves to {blocked}, a loopback, private, link-local or otherwise non-public address; the portal does not read those (Portal:Catalog:AllowPrivateNetworkUrls).");
        }
        return addresses;
    }
}
