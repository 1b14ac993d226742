namespace Portal.Web.Features.Identity;

public static class PortalPolicies
{
    public const string Admin = "admin";
    public const string CatalogRead = "scope:catalog:read";
    public const string CatalogWrite = "scope:catalog:write";
    public const string EnvironmentsRead = "environments:read";
    public const string EnvironmentsWrite = "scope:environments:write";
    public const string CostWrite = "scope:cost:write";
    public const string SloIngest = "scope:slo:ingest";
    public const string DeliveryWrite = "scope:delivery:write";
    public const string DeliveryRead = "delivery:read";
    public const string SignInRateLimit = "sign-in";
    public const string TokenRateLimit = "tokens";
}
