namespace Portal.Web.Features.Identity;

public static class PortalRoles
{
    public const string Admin = "admin";
    public const string Approver = "approver";

    public static readonly string[] All = [Admin, Approver];
}
