namespace Portal.Web.Features.Identity;

public static class PortalScopes
{
    public const string CatalogRead = "catalog:read";
    public const string CatalogWrite = "catalog:write";
    public const string EnvironmentsWrite = "environments:write";
    public const string SloIngest = "slo:ingest";
    public const string CostWrite = "cost:write";
    public const string DeliveryWrite = "delivery:write";
    public const string Admin = "admin";

    public static readonly string[] All = [CatalogRead, CatalogWrite, EnvironmentsWrite, SloIngest, CostWrite, DeliveryWrite, Admin];
}
