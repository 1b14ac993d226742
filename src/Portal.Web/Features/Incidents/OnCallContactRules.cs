using Portal.Web.Infrastructure.Web;
using System.Net;
using System.Net.Sockets;

namespace Portal.Web.Features.Incidents;

/// <summary>
/// What a personal contact may be. Pure. A webhook is an absolute https URL (http only to loopback, when allowed) whose
/// host is not an internal address: literal addresses are checked here, names when they are resolved at call time
/// (<see cref="AddressAllowed"/>, in <see cref="OnCallContactPager"/>'s connect callback), so a name that points inside cannot be used either.
/// </summary>
public static class OnCallContactRules
{
    public const int MaxEmail = 320;
    public const int MaxUrl = 2000;

    /// <summary>The formats a personal webhook can take: the receiver formats that need no key.</summary>
    public static readonly IReadOnlyList<string> WebhookFormats = [IncidentPayloads.Slack, IncidentPayloads.Teams, IncidentPayloads.Json];

    /// <summary>The problems of a contact as sent, by field; empty when it is fine.</summary>
    public static Dictionary<string, string[]> Problems(OnCallContactRequest request, OnCallContactsOptions options)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(options);
        var problems = new Dictionary<string, string[]>();
        if (!string.IsNullOrWhiteSpace(request.Email) && (request.Email.Length > MaxEmail || !request.Email.Contains('@', StringComparison.Ordinal)
            || !MimeKit.MailboxAddress.TryParse(request.Email.Trim(), out var mailbox) || mailbox.Address != request.Email.Trim()))
        {
            problems["email"] = ["email is one address such as ana.silva@northwind.example (empty: the catalog profile's)."];
        }
        var hasUrl = !string.IsNullOrWhiteSpace(request.WebhookUrl);
        var hasFormat = !string.IsNullOrWhiteSpace(request.WebhookFormat);
        if (hasFormat && !WebhookFormats.Contains(request.WebhookFormat!.Trim().ToLowerInvariant()))
        {
            problems["webhookFormat"] = [$"webhookFormat is one of {string.Join(", ", WebhookFormats)}."];
        }
        if (hasUrl != hasFormat)
        {
            problems["webhookUrl"] = ["Give webhookUrl and webhookFormat together, or neither."];
        }
        else if (hasUrl && UrlProblem(request.WebhookUrl!.Trim(), options) is { } problem)
        {
            problems["webhookUrl"] = [problem];
        }
        return problems;
    }

    /// <summary>Why a webhook URL is refused; null when it may be called (a name's addresses are checked again when called).</summary>
    public static string? UrlProblem(string url, OnCallContactsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (url.Length > MaxUrl || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || !string.IsNullOrEmpty(uri.UserInfo))
        {
            return $"webhookUrl is an absolute https URL of at most {MaxUrl} characters, without a user name or password.";
        }
        var loopback = uri.IsLoopback || uri.Host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase);
        if (loopback)
        {
            return options.AllowLoopback ? null : "webhookUrl may not point at this machine (loopback).";
        }
        if (uri.Scheme != "https")
        {
            return "webhookUrl must use https.";
        }
        if (uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6 && IPAddress.TryParse(uri.IdnHost.Trim('[', ']'), out var address)
            && !AddressAllowed(address, options))
        {
            return "webhookUrl may not point at a private, link-local or other internal address.";
        }
        return null;
    }

    /// <summary>Whether the portal may connect to an address for a personal webhook.</summary>
    public static bool AddressAllowed(IPAddress address, OnCallContactsOptions options)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(options);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (IPAddress.IsLoopback(address))
        {
            return options.AllowLoopback;
        }
        return options.AllowPrivateAddresses || PublicAddress.IsPublic(address);
    }
}

/// <summary>A contact as sent to <c>PUT /api/oncall/contacts/{user}</c>; empty fields clear it (e-mail: back to the catalog profile's).</summary>
public sealed record OnCallContactRequest(string? Email, string? WebhookFormat, string? WebhookUrl);

/// <summary>A person's contact as the portal will use it: the e-mail that applies (and whether it is the catalog's), and the webhook.</summary>
public sealed record OnCallContactView(string UserName, string? Email, bool EmailFromCatalog, string? WebhookFormat, string? WebhookUrl,
    DateTimeOffset? UpdatedAt);
