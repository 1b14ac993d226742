namespace Portal.Web.Features.Identity;

public sealed class BootstrapOptions
{
    /// <summary>
    /// <c>Portal:BootstrapAdminToken</c>: accepted as an admin API token when set, to automate a
    /// fresh install. Unset (or blank) means no such token exists.
    /// </summary>
    public string? BootstrapAdminToken { get; set; }
}
