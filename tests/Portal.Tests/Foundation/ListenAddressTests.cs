using System.Net;
using Portal.Web.Infrastructure.Hosting;

namespace Portal.Tests.Foundation;

/// <summary>Where the portal binds its web addresses and, following them, its OTLP/gRPC port.</summary>
public sealed class ListenAddressTests
{
    [Fact]
    public void Without_settings_kestrels_default_is_loopback_and_the_grpc_port_follows_it()
    {
        var http = ListenAddress.FromHttpSettings(null, null, "for the test");

        Assert.Equal([new ListenAddress(ListenScope.Localhost, null, 5000)], http);
        Assert.Equal([new ListenAddress(ListenScope.Localhost, null, 4317)], ListenAddress.SameHosts(http, 4317));
    }

    [Fact]
    public void Urls_are_read_like_kestrel_reads_them()
    {
        var http = ListenAddress.FromHttpSettings("http://127.0.0.1:5000; http://[::1]:5001;http://localhost:5002", "8080", "for the test");

        Assert.Equal(
            [
                new ListenAddress(ListenScope.Ip, IPAddress.Loopback, 5000),
                new ListenAddress(ListenScope.Ip, IPAddress.IPv6Loopback, 5001),
                new ListenAddress(ListenScope.Localhost, null, 5002),
            ], http);
        // One gRPC address per distinct host.
        Assert.Equal(
            [
                new ListenAddress(ListenScope.Ip, IPAddress.Loopback, 4317),
                new ListenAddress(ListenScope.Ip, IPAddress.IPv6Loopback, 4317),
                new ListenAddress(ListenScope.Localhost, null, 4317),
            ], ListenAddress.SameHosts(http, 4317));
    }

    [Theory]
    [InlineData("http://*:8080")]
    [InlineData("http://+:8080")]
    [InlineData("http://0.0.0.0:8080")]
    [InlineData("http://[::]:8080")]
    [InlineData("http://portal.example.com:8080")]
    public void Wildcards_and_host_names_are_every_interface(string url)
    {
        Assert.Equal([new ListenAddress(ListenScope.Any, null, 8080)], ListenAddress.FromHttpSettings(url, null, "for the test"));
    }

    [Fact]
    public void Http_ports_as_the_container_images_set_them_are_every_interface_and_so_is_the_grpc_port()
    {
        var http = ListenAddress.FromHttpSettings(null, "8080;8081", "for the test");

        Assert.Equal([new ListenAddress(ListenScope.Any, null, 8080), new ListenAddress(ListenScope.Any, null, 8081)], http);
        Assert.Equal([new ListenAddress(ListenScope.Any, null, 4317)], ListenAddress.SameHosts(http, 4317));
    }

    [Fact]
    public void One_address_on_every_interface_makes_the_grpc_port_every_interface()
    {
        var http = ListenAddress.FromHttpSettings("http://127.0.0.1:5000;http://*:5001", null, "for the test");

        Assert.Equal([new ListenAddress(ListenScope.Any, null, 4317)], ListenAddress.SameHosts(http, 4317));
    }

    [Theory]
    [InlineData("https://localhost:5001", "https://localhost:5001 is not supported for the test")]
    [InlineData("http://localhost:5000;https://*:443", "https://*:443 is not supported for the test")]
    [InlineData("http://unix:/tmp/portal.sock", "is not supported for the test")]
    [InlineData("localhost:5000", "is not an address like http://127.0.0.1:8080")]
    public void Addresses_the_portal_cannot_bind_itself_stop_start_up_with_one_message(string urls, string expected)
    {
        var ex = Assert.Throws<PortalStartupException>(() => ListenAddress.FromHttpSettings(urls, null, "for the test"));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void A_port_list_with_a_word_in_it_stops_start_up_naming_the_setting()
    {
        var ex = Assert.Throws<PortalStartupException>(() => ListenAddress.FromHttpSettings(null, "8080;web", "for the test"));

        Assert.Equal("ASPNETCORE_HTTP_PORTS: 'web' is not a port number.", ex.Message);
    }

    [Theory]
    [InlineData("localhost", ListenScope.Localhost, null)]
    [InlineData(" 127.0.0.2 ", ListenScope.Ip, "127.0.0.2")]
    [InlineData("::1", ListenScope.Ip, "::1")]
    [InlineData("[::1]", ListenScope.Ip, "::1")]
    [InlineData("*", ListenScope.Any, null)]
    [InlineData("0.0.0.0", ListenScope.Any, null)]
    public void A_configured_grpc_host_is_localhost_an_ip_or_every_interface(string host, ListenScope scope, string? ip)
    {
        Assert.Equal(new ListenAddress(scope, ip is null ? null : IPAddress.Parse(ip), 4317), ListenAddress.ParseHost(host, 4317));
    }

    [Theory]
    [InlineData("portal.example.com")]
    [InlineData("http://127.0.0.1")]
    [InlineData("127.0.0.1:4317")]
    [InlineData("")]
    public void Anything_else_is_not_a_grpc_host(string host)
    {
        Assert.Null(ListenAddress.ParseHost(host, 4317));
    }
}
