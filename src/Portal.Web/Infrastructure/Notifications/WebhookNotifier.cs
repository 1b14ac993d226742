using Microsoft.Extensions.Options;

namespace Portal.Web.Infrastructure.Notifications;

/// <summary>
/// Posts notifications to the configured webhook as JSON or in Slack's incoming-webhook format.
/// A notification that cannot be delivered is logged, never allowed to fail the change it reports.
/// </summary>
public sealed class WebhookNotifier(IHttpClientFactory httpClients, IOptions<NotificationOptions> options, ILogger<WebhookNotifier> logger)
{
    public const string HttpClientName = "notifications";

    public async Task SendAsync(Notification notification, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (string.IsNullOrWhiteSpace(settings.WebhookUrl))
        {
            return;
        }
        // A portal path gets the public address in front; an absolute link (a runbook elsewhere) is left as it is.
        var link = notification.Link is null ? null
            : string.IsNullOrWhiteSpace(settings.PublicUrl) || !notification.Link.StartsWith('/') ? notification.Link
            : settings.PublicUrl.TrimEnd('/') + notification.Link;
        object body = settings.Format == "slack"
            ? new { text = $"*{notification.Title}*\n{notification.Message}" + (link is null ? "" : $"\n<{link}|Open in Portal>") }
            : new { @event = notification.Event, title = notification.Title, message = notification.Message, link, fields = notification.Fields, at = DateTimeOffset.UtcNow };
        try
        {
            using var response = await httpClients.CreateClient(HttpClientName).PostAsJsonAsync(settings.WebhookUrl, body, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                logger.LogWarning("Notification {Event} was refused by the webhook with HTTP {Status}", notification.Event, (int)response.StatusCode);
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("Notification {Event} could not be delivered: {Error}", notification.Event, ex.Message);
        }
    }
}
