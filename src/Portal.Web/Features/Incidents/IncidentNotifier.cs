using Microsoft.Extensions.Options;
using Portal.Web.Infrastructure.Notifications;

namespace Portal.Web.Features.Incidents;

/// <summary>
/// Posts incident messages to the receivers whose team and severity take them. A receiver that cannot be reached is
/// logged (its URL and routing key are not: they carry secrets) and never fails the change it reports.
/// </summary>
public sealed class IncidentNotifier(IHttpClientFactory httpClients, IOptions<IncidentsOptions> options, IOptions<NotificationOptions> notifications,
    ILogger<IncidentNotifier> logger)
{
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
                using var response = await httpClients.CreateClient(WebhookNotifier.HttpClientName)
                    .PostAsJsonAsync(receiver.Url, IncidentPayloads.Body(receiver, message), cancellationToken);
                if (!response.IsSuccessStatusCode)
                {
                    logger.LogWarning("Incident receiver {Index} ({Format}) refused {Action} with HTTP {Status}", index, receiver.Format, message.Action,
                        (int)response.StatusCode);
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                logger.LogWarning("Incident receiver {Index} ({Format}) could not be reached for {Action}: {Error}", index, receiver.Format, message.Action,
                    ex.GetType().Name);
            }
        }
    }
}
