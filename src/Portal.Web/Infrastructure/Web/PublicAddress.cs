using System.Net;
using System.Net.Sockets;

namespace Portal.Web.Infrastructure.Web;

/// <summary>The one classifier of addresses the portal may call out to (the catalog's URL locations, personal webhooks).</summary>
public static class PublicAddress
{
    /// <summary>
    /// Whether an address is on the public internet. Refused: unspecified, loopback, private (10/8, 172.16/12, 192.168/16),
    /// shared (100.64/10), link-local, benchmarking, reserved, multicast and broadcast; IPv6 loopback, link-local, site-local,
    /// unique-local and multicast; and IPv4 addresses wrapped in IPv6 (mapped, compatible, NAT64, 6to4) judged as IPv4.
    /// </summary>
    public static bool IsPublic(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var v6 = address.GetAddressBytes();
            if (address.IsIPv4MappedToIPv6)
            {
                return IsPublic(address.MapToIPv4());
            }
            if (v6.Take(12).All(b => b == 0))
            {
                return false; // ::, ::1 and the deprecated IPv4-compatible ::a.b.c.d
            }
            if (v6[0] == 0x00 && v6[1] == 0x64 && v6[2] == 0xff && v6[3] == 0x9b && v6.Skip(4).Take(8).All(b => b == 0))
            {
                return IsPublic(new IPAddress(v6[12..])); // NAT64 64:ff9b::a.b.c.d
            }
            if (v6[0] == 0x20 && v6[1] == 0x02)
            {
                return IsPublic(new IPAddress(v6[2..6])); // 6to4 2002:aabb:ccdd::
            }
            return !(address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6UniqueLocal || address.IsIPv6Multicast
                || (v6[0] == 0x20 && v6[1] == 0x01 && v6[2] == 0x0d && v6[3] == 0xb8)); // 2001:db8::/32 documentation
        }
        var b = address.GetAddressBytes();
        return !(b[0] is 0 or 10 or 127 || b[0] >= 224 // this network, private, loopback, multicast, reserved and broadcast
            || (b[0] == 100 && b[1] >= 64 && b[1] <= 127)
            || (b[0] == 169 && b[1] == 254)
            || (b[0] == 172 && b[1] >= 16 && b[1] <= 31)
            || (b[0] == 192 && b[1] == 0 && b[2] is 0 or 2)
            || (b[0] == 192 && b[1] == 168)
            || (b[0] == 198 && b[1] is 18 or 19)
            || (b[0] == 198 && b[1] == 51 && b[2] == 100)
            || (b[0] == 203 && b[1] == 0 && b[2] == 113));
    }
}
