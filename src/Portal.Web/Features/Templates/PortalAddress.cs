using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using Portal.Web.Infrastructure.Notifications;

namespace Portal.Web.Features.Templates;

/// <summary>
/// The portal's own address, which templates see as <c>${{ portal.url }}</c> (e.g. the OTLP endpoint a generated service
/// sends telemetry to): <c>Portal:Notifications:PublicUrl</c>, the one setting for the portal's public address; when it is
/// not set, the first address the portal listens on (a wildcard host read as <c>localhost</c>).
/// </summary>
public sealed class PortalAddress(IOptions<NotificationOptions> notifications, IServer? server = null)
{
    public string Url()
    {
        if (notifications.Value.PublicUrl is { Length: > 0 } configured)
        {
            return configured.TrimEnd('/');
        }
        var listening = server?.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        return listening is null ? "http://localhost" : FromListenAddress(listening);
    }

    /// <summary><c>http://+:8080</c>, <c>http://*:8080</c>, <c>http://0.0.0.0:8080</c> and <c>http://[::]:8080</c> become <c>http://localhost:8080</c>.</summary>
    public static string FromListenAddress(string address)
    {
        var schemeEnd = address.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd < 0)
        {
            return address.TrimEnd('/');
        }
        var rest = address[(schemeEnd + 3)..];
        foreach (var wildcard in new[] { "+", "*", "0.0.0.0", "[::]" })
        {
            if (rest.StartsWith(wildcard + ":", StringComparison.Ordinal) || rest == wildcard)
            {
                rest = "localhost" + rest[wildcard.Length..];
                break;
            }
        }
        return (address[..(schemeEnd + 3)] + rest).TrimEnd('/');
    }

    /// <summary>What expressions see as <c>portal</c>.</summary>
    public System.Text.Json.Nodes.JsonObject Model() => new() { ["url"] = Url() };
}
