namespace Portal.Web.Features.Identity;

public sealed class OidcOptions
{
    /// <summary>The identity provider; OIDC sign-in is offered only when this is set.</summary>
    public string? Authority { get; set; }
    public string? ClientId { get; set; }
    public string? ClientSecret { get; set; }
    public string DisplayName { get; set; } = "Single sign-on";
    public string[] Scopes { get; set; } = ["openid", "profile", "email"];
    public string NameClaim { get; set; } = "name";
    public string EmailClaim { get; set; } = "email";
    public string GroupsClaim { get; set; } = "groups";

    /// <summary>Provider groups whose members are platform admins / approvers.</summary>
    public string[] AdminGroups { get; set; } = [];
    public string[] ApproverGroups { get; set; } = [];

    /// <summary>Only for development and loopback test providers.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Authority) && !string.IsNullOrWhiteSpace(ClientId);
}
