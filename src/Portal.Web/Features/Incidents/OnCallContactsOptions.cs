namespace Portal.Web.Features.Incidents;

/// <summary>Which personal webhook addresses are allowed (<c>Portal:Incidents:Contacts</c>); by default only public https.</summary>
public sealed class OnCallContactsOptions
{
    public const string Section = "Portal:Incidents:Contacts";

    /// <summary>Private, link-local and other internal addresses (10/8, 172.16/12, 192.168/16, 169.254/16, fc00::/7, ...):
    /// off, so a person cannot make the portal call into its own network (SSRF). On only where personal webhooks are internal.</summary>
    public bool AllowPrivateAddresses { get; set; }

    /// <summary>Loopback (127/8, ::1, localhost), over http too: for tests and a developer's machine only.</summary>
    public bool AllowLoopback { get; set; }
}
