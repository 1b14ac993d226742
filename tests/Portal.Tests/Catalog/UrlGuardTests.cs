using System.Net;
using System.Net.Sockets;
using Portal.Web.Features.Catalog.Ingestion;

namespace Portal.Tests.Catalog;

public sealed class UrlGuardTests
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.8.9.10")]
    [InlineData("0.0.0.0")]
    [InlineData("10.1.2.3")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.255")]
    [InlineData("192.168.1.1")]
    [InlineData("169.254.169.254")] // cloud metadata
    [InlineData("100.64.0.1")]
    [InlineData("224.0.0.1")]
    [InlineData("255.255.255.255")]
    [InlineData("::")]
    [InlineData("::1")]
    [InlineData("fe80::1")]
    [InlineData("fc00::1")]
    [InlineData("fd12:3456::1")]
    [InlineData("ff02::1")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("::ffff:10.0.0.1")]
    [InlineData("::127.0.0.1")]
    [InlineData("64:ff9b::7f00:1")] // NAT64 of 127.0.0.1
    [InlineData("2002:7f00:1::")] // 6to4 of 127.0.0.1
    public void Loopback_private_link_local_multicast_and_unspecified_addresses_are_not_public(string address) =>
        Assert.False(Portal.Web.Infrastructure.Web.PublicAddress.IsPublic(IPAddress.Parse(address)));

    [Theory]
    [InlineData("93.184.215.14")]
    [InlineData("172.32.0.1")]
    [InlineData("8.8.8.8")]
    [InlineData("2606:4700::1111")]
    [InlineData("::ffff:8.8.8.8")]
    public void Public_addresses_pass(string address) => Assert.True(Portal.Web.Infrastructure.Web.PublicAddress.IsPublic(IPAddress.Parse(address)));

    [Theory]
    [InlineData("localhost")]
    [InlineData("[::1]")]
    [InlineData("0.0.0.0")]
    [InlineData("[::ffff:127.0.0.1]")]
    [InlineData("2130706433")] // 127.0.0.1 written as one decimal number
    public async Task A_host_that_resolves_to_loopback_is_refused_with_the_address_named(string host)
    {
        var refused = await Assert.ThrowsAsync<UrlRefusedException>(() => UrlGuard.ResolveAsync(host, allowPrivate: false, CancellationToken.None));

        Assert.Contains($"{host} resolves to", refused.Message, StringComparison.Ordinal);
        Assert.Contains("AllowPrivateNetworkUrls", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_connect_callback_refuses_localhost_even_with_a_server_listening_there()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        await Assert.ThrowsAsync<UrlRefusedException>(async () =>
            await UrlGuard.ConnectAsync(new DnsEndPoint("localhost", port), allowPrivate: false, CancellationToken.None));
        Assert.False(listener.Pending(), "no connection may reach the listener");

        // With the escape hatch on (an internal server the operator trusts), the same callback connects to the vetted address.
        await using var stream = await UrlGuard.ConnectAsync(new DnsEndPoint("localhost", port), allowPrivate: true, CancellationToken.None);
        using var accepted = await listener.AcceptTcpClientAsync();
        Assert.True(accepted.Connected);
    }
}
