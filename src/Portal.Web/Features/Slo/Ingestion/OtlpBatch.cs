namespace Portal.Web.Features.Slo.Ingestion;

/// <summary>What an export request holds, checked point by point.</summary>
public sealed class OtlpBatch
{
    public List<MetricSample> Samples { get; } = [];

    /// <summary>Valid points per <c>service.name</c> (every metric, used or not: coverage counts them all).</summary>
    public Dictionary<string, long> PointsByService { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, long> RejectedByService { get; } = new(StringComparer.Ordinal);
    public long Rejected { get; private set; }
    public List<string> Problems { get; } = [];

    public void Reject(string service, long points, string problem)
    {
        Rejected += points;
        RejectedByService[service] = RejectedByService.GetValueOrDefault(service) + points;
        if (Problems.Count < 5 && !Problems.Contains(problem))
        {
            Problems.Add(problem);
        }
    }
}
