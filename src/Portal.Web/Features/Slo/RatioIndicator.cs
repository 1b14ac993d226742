using Portal.Web.Features.Slo.Ingestion;

namespace Portal.Web.Features.Slo;

/// <summary>A ratio SLI: <see cref="Events"/> counts good events (<see cref="Counts"/> "good") or bad ones ("bad"), out of <see cref="Total"/>.</summary>
public sealed record RatioIndicator(string Counts, MetricSelector Events, MetricSelector Total);

/// <summary>
/// Points of one metric of the SLO's service whose attributes match: each filter names an attribute and the value it
/// must have ("*": any value, present), compared as text.
/// </summary>
public sealed record MetricSelector(string Metric, Dictionary<string, string>? Attributes = null)
{
    public bool Matches(MetricSample sample) => sample.Metric == Metric && (Attributes is null || Attributes.All(f =>
        sample.Attributes is not null && sample.Attributes.TryGetValue(f.Key, out var value) && (f.Value == "*" || value == f.Value)));
}
