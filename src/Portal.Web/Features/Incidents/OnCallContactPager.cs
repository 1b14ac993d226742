using System.Net.Sockets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Web.Data;

namespace Portal.Web.Features.Incidents;

/// <summary>
/// Pages the person on call at their own contact, besides the team's receivers: their e-mail (set, else the catalog
/// profile's) over the SMTP server when one is configured, and their personal webhook in its format. The webhook client
/// connects only to addresses <see cref="OnCallContactRules.AddressAllowed"/> lets through, checked on the addresses the
/// name resolves to at call time, and follows no redirects (either could lead into the portal's own network).
/// Failures are logged without the address and never fail the change.
/// </summary>
public sealed class OnCallContactPager(IDbContextFactory<PortalDbContext> dbFactory, IHttpClientFactory httpClients, IOptions<IncidentsOptions> incidents,
    IOptions<OnCallContactsOptions> options, IncidentMailer mailer, ILogger<OnCallContactPager> logger)
{
    public const string HttpClientName = "oncall-contacts";

    /// <summary>The handler of <see cref="HttpClientName"/>: the address check happens on the socket the request will use.</summary>
    public static SocketsHttpHandler Handler(IServiceProvider services) => new()
    {
        AllowAutoRedirect = false,
        UseProxy = false,
        ConnectCallback = async (context, ct) =>
        {
            var allowed = services.GetRequiredService<IOptions<OnCallContactsOptions>>().Value;
            var addresses = await System.Net.Dns.GetHostAddressesAsync(context.DnsEndPoint.Host, ct);
            // Every address must be allowed, as for the catalog's URLs: a round-robin answer cannot slip an internal one in.
            var address = addresses.Length > 0 && addresses.All(a => OnCallContactRules.AddressAllowed(a, allowed)) ? addresses[0]
                : throw new HttpRequestException("The webhook's host resolves to an address a personal webhook may not use.");
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(address, context.DnsEndPoint.Port, ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };

    /// <summary>
    /// Pages <see cref="Incident.OnCall"/> for an opening, an escalation, or a ticket incident raised to page (the first
    /// time anyone is paged for it) of a page-severity incident; anything else is not theirs.
    /// </summary>
    public async Task SendAsync(IncidentMessage message, CancellationToken cancellationToken)
    {
        if (message.Action is not ("trigger" or "escalate" or "raise") || message.Incident.Severity != "page" || message.Incident.OnCall is not { } person)
        {
            return;
        }
        OnCallContactView contact;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            contact = await OnCallContactQueries.ViewAsync(db, person, cancellationToken);
        }
        if (contact.Email is not null && !string.IsNullOrWhiteSpace(incidents.Value.Smtp.Host))
        {
            try
            {
                await mailer.SendAsync(new IncidentReceiver { Format = IncidentPayloads.Email, To = [contact.Email] }, message, cancellationToken);
            }
            catch (Exception ex) when (ex is IOException or MailKit.Net.Smtp.SmtpCommandException or MailKit.Net.Smtp.SmtpProtocolException
                or MailKit.Security.AuthenticationException or MailKit.ServiceNotConnectedException or SocketException or MimeKit.ParseException
                or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                logger.LogWarning("The on-call person's e-mail could not be sent for {Action}: {Error}", message.Action, ex.GetType().Name);
            }
        }
        if (contact.WebhookUrl is null || contact.WebhookFormat is null)
        {
            return;
        }
        // Checked again: the rules may be stricter now than when it was saved.
        if (OnCallContactRules.UrlProblem(contact.WebhookUrl, options.Value) is not null)
        {
            logger.LogWarning("The on-call person's webhook is no longer allowed; {Action} not sent to it", message.Action);
            return;
        }
        try
        {
            var request = IncidentPayloads.Request(new IncidentReceiver { Url = contact.WebhookUrl, Format = contact.WebhookFormat }, message);
            using var post = new HttpRequestMessage(HttpMethod.Post, request.Url) { Content = JsonContent.Create(request.Body) };
            using var response = await httpClients.CreateClient(HttpClientName).SendAsync(post, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                logger.LogWarning("The on-call person's webhook ({Format}) refused {Action} with HTTP {Status}", contact.WebhookFormat, message.Action,
                    (int)response.StatusCode);
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or SocketException
            or TaskCanceledException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("The on-call person's webhook ({Format}) could not be reached for {Action}: {Error}", contact.WebhookFormat, message.Action,
                ex.GetType().Name);
        }
    }
}
