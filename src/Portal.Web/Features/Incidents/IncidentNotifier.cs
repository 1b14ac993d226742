using MailKit;
using MailKit.Security;
using Microsoft.Extensions.Options;
using Portal.Web.Infrastructure.Extensions;
using Portal.Web.Infrastructure.Notifications;

namespace Portal.Web.Features.Incidents;

/// <summary>
/// Sends incident messages to the receivers whose team and severity take them: an HTTP request built by the format
/// (<see cref="IncidentPayloads.Request"/>), or an e-mail (<see cref="IncidentMailer"/>). A receiver that cannot be
/// reached is logged (its URL, keys and SMTP credentials are not: they carry secrets) and never fails the change it reports.
/// The person paged (opening and escalation of a page incident) also gets it at their own contact (<see cref="OnCallContactPager"/>).
/// </summary>
public sealed class IncidentNotifier(IHttpClientFactory httpClients, IOptions<IncidentsOptions> options, IOptions<NotificationOptions> notifications,
    IncidentMailer mailer, OnCallContactPager contacts, IEnumerable<IIncidentListener> listeners, ILogger<IncidentNotifier> logger)
{
    /// <summary>Tells the <see cref="IIncidentListener"/>s that these incidents opened or were restored (after they are saved).</summary>
    public async Task ChangedAsync(IReadOnlyCollection<Incident> incidents, CancellationToken cancellationToken)
    {
        if (incidents.Count == 0)
        {
            return;
        }
        var changed = incidents.Select(i => (i.ComponentRef, i.TriggeredAt)).ToList();
        foreach (var listener in listeners)
        {
            try
            {
                await listener.OnIncidentsChangedAsync(changed, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "An incident listener ({Listener}) failed on {Count} incidents", listener.GetType().Name, changed.Count);
            }
        }
    }

    /// <summary>A portal path as a link: with the public address in front when one is configured.</summary>
    public string Link(string path) => string.IsNullOrWhiteSpace(notifications.Value.PublicUrl) ? path : notifications.Value.PublicUrl.TrimEnd('/') + path;

    public async Task SendAsync(IncidentMessage message, CancellationToken cancellationToken)
    {
        foreach (var (receiver, index) in options.Value.Receivers.Select((r, i) => (r, i)))
        {
            if (!receiver.Takes(message.OwnerTeam, message.Incident.Severity))
            {
                continue;
            }
            try
            {
                if (receiver.Format == IncidentPayloads.Email)
                {
                    await mailer.SendAsync(receiver, message, cancellationToken);
                    continue;
                }
                var request = IncidentPayloads.Request(receiver, message);
                using var post = new HttpRequestMessage(HttpMethod.Post, request.Url) { Content = JsonContent.Create(request.Body) };
                if (request.Authorization is not null)
                {
                    post.Headers.TryAddWithoutValidation("Authorization", request.Authorization);
                }
                using var response = await httpClients.CreateClient(WebhookNotifier.HttpClientName).SendAsync(post, cancellationToken);
                if (!response.IsSuccessStatusCode)
                {
                    logger.LogWarning("Incident receiver {Index} ({Format}) refused {Action} with HTTP {Status}", index, receiver.Format, message.Action,
                        (int)response.StatusCode);
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or MailKit.Net.Smtp.SmtpCommandException or MailKit.Net.Smtp.SmtpProtocolException
                or AuthenticationException or ServiceNotConnectedException or System.Net.Sockets.SocketException or MimeKit.ParseException
                or TaskCanceledException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                logger.LogWarning("Incident receiver {Index} ({Format}) could not be reached for {Action}: {Error}", index, receiver.Format, message.Action,
                    ex.GetType().Name);
            }
        }
        await contacts.SendAsync(message, cancellationToken);
    }
}
