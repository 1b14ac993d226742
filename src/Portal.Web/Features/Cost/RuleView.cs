namespace Portal.Web.Features.Cost;

public sealed record RuleView(string? Kind, string? Match, string? Dimension, string? Value, string? ValueMatch = null, string? Pattern = null)
{
    public static RuleView From(CostAllocationRule r) => new(r.Kind, r.Match, r.Dimension, r.Value, r.ValueMatch, r.Pattern);
}
