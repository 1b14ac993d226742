namespace Portal.Web.Infrastructure.OpenApi;

/// <summary>
/// Every deprecated address, with its dates in one place so docs/api.md can list them. A sunset is at least six months
/// after the deprecation (docs/api.md, "Deprecation").
/// </summary>
public static class ApiDeprecations
{
    /// <summary>/api/slo/... moved to /api/slos/... (one prefix per feature).</summary>
    public static readonly DateTimeOffset SloPrefixMoved = new(2026, 12, 6, 0, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset SloPrefixSunset = new(2027, 6, 30, 0, 0, 0, TimeSpan.Zero);

    /// <summary>/api/admin/audit/... moved to /api/identity/audit/... (identity's one route table).</summary>
    public static readonly DateTimeOffset AuditPrefixMoved = new(2026, 12, 6, 0, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset AuditPrefixSunset = new(2027, 6, 30, 0, 0, 0, TimeSpan.Zero);
}
