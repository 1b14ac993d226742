namespace Portal.Web.Features.Identity;

public enum ApiTokenKind
{
    /// <summary>Acts for the person who created it, limited by its scopes.</summary>
    Personal,

    /// <summary>For automation (CI, OTLP exporters); created by admins, owned by nobody.</summary>
    Service,
}
