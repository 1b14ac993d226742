namespace Portal.Web.Features.Cost;

/// <summary>The cost no team owns in a window, and the resources that carry most of it (what to tag, or write a rule for, first).</summary>
public sealed record UnallocatedReport(DateTime From, DateTime To, decimal UnallocatedCost, decimal TotalCost, IReadOnlyList<UnallocatedResource> Resources);

/// <summary>A resource (or a service's charges without one) with no team: its cost, and the tags it has (often a hint for a rule).</summary>
public sealed record UnallocatedResource(string? ResourceId, string ServiceName, string? SubAccountId, decimal EffectiveCost, int Rows,
    IReadOnlyDictionary<string, string> Tags);
