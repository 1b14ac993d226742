namespace Portal.Web.Features.Cost;

/// <summary>
/// What a proposed rule list would do to the billing data already imported, before it is saved: per rule,
/// the effective cost it would decide and the part of it that would move (attributed differently than now);
/// and the unallocated cost (no team) now and after.
/// </summary>
public sealed record RulePreview(IReadOnlyList<RuleEffect> Rules, decimal ChangedCost, int ChangedRows, decimal UnallocatedBefore, decimal UnallocatedAfter,
    decimal TotalCost);

/// <summary>One rule's effect: the cost it decides (any dimension) and the cost it moves away from today's attribution.</summary>
public sealed record RuleEffect(int Position, RuleView Rule, decimal DecidesCost, int DecidesRows, decimal MovesCost, int MovesRows);
