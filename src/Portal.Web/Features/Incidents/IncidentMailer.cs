using MailKit.Net.Smtp;
using Microsoft.Extensions.Options;

namespace Portal.Web.Features.Incidents;

/// <summary>
/// Sends incident e-mail through the SMTP server of <see cref="IncidentSmtpOptions"/> (MailKit): one connection per
/// message, TLS as configured, signed in when a user name is set. Failures are the caller's to log.
/// </summary>
public sealed class IncidentMailer(IOptions<IncidentsOptions> options)
{
    public async Task SendAsync(IncidentReceiver receiver, IncidentMessage message, CancellationToken cancellationToken)
    {
        var smtp = options.Value.Smtp;
        using var mail = IncidentMail.Compose(message, smtp.From!, receiver.To);
        using var client = new SmtpClient { Timeout = smtp.TimeoutSeconds * 1000 };
        await client.ConnectAsync(smtp.Host!, smtp.Port, smtp.SocketOptions, cancellationToken);
        if (!string.IsNullOrEmpty(smtp.UserName))
        {
            await client.AuthenticateAsync(smtp.UserName, smtp.Password ?? "", cancellationToken);
        }
        await client.SendAsync(mail, cancellationToken);
        await client.DisconnectAsync(quit: true, cancellationToken);
    }
}
