using MailKit.Security;

namespace Portal.Web.Features.Incidents;

/// <summary>
/// The SMTP server that <c>email</c> receivers send through (<c>Portal:Incidents:Smtp</c>). Checked at start with the
/// receivers: only when an <c>email</c> receiver is configured must <see cref="Host"/> and <see cref="From"/> be set.
/// </summary>
public sealed class IncidentSmtpOptions
{
    public string? Host { get; set; }

    /// <summary>587 (submission with STARTTLS) unless said otherwise; 465 for <c>ssl</c>, 25 for relays.</summary>
    public int Port { get; set; } = 587;

    /// <summary>
    /// <c>starttls</c> (the default: the connection must be upgraded to TLS, or sending fails), <c>ssl</c> (TLS from
    /// the first byte, port 465), <c>auto</c> (STARTTLS when the server offers it) or <c>none</c> (plain: only for a
    /// relay on the same host or network).
    /// </summary>
    public string Security { get; set; } = "starttls";

    /// <summary>Sign-in name; empty: no authentication (a relay that trusts the sender's address).</summary>
    public string? UserName { get; set; }

    /// <summary>A secret: never logged.</summary>
    public string? Password { get; set; }

    /// <summary>The sender, e.g. <c>Portal incidents &lt;incidents@northwind.example&gt;</c>.</summary>
    public string? From { get; set; }

    public int TimeoutSeconds { get; set; } = 15;

    public SecureSocketOptions SocketOptions => Security.ToLowerInvariant() switch
    {
        "ssl" => SecureSocketOptions.SslOnConnect,
        "auto" => SecureSocketOptions.Auto,
        "none" => SecureSocketOptions.None,
        _ => SecureSocketOptions.StartTls,
    };

    /// <summary>Why e-mail cannot be sent with these settings; null when it can.</summary>
    public string? Problem()
    {
        const string section = IncidentsOptions.Section + ":Smtp";
        if (string.IsNullOrWhiteSpace(Host))
        {
            return $"{section}:Host is needed for email receivers.";
        }
        if (Port is < 1 or > 65535)
        {
            return $"{section}:Port must be 1-65535.";
        }
        if (Security.ToLowerInvariant() is not ("starttls" or "ssl" or "auto" or "none"))
        {
            return $"{section}:Security must be starttls, ssl, auto or none.";
        }
        if (!MimeKit.MailboxAddress.TryParse(From ?? "", out _))
        {
            return $"{section}:From must be an e-mail address (the sender).";
        }
        if (string.IsNullOrEmpty(UserName) != string.IsNullOrEmpty(Password))
        {
            return $"{section}: UserName and Password go together.";
        }
        return TimeoutSeconds is < 1 or > 300 ? $"{section}:TimeoutSeconds must be 1-300." : null;
    }
}
