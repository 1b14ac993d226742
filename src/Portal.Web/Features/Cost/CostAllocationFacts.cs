namespace Portal.Web.Features.Cost;

/// <summary>
/// FOCUS 1.3 split-cost allocation as attribution sees it: a row that carries a share of a shared
/// resource (a Kubernetes node, a database host) belongs to the workload named by AllocatedResourceId
/// and AllocatedTags, not to the host's own tags.
/// </summary>
public static class CostAllocationFacts
{
    /// <summary>The host's tags overlaid with the workload's (the workload wins on the same key, case-insensitively).</summary>
    public static IReadOnlyDictionary<string, string> Tags(IReadOnlyDictionary<string, string> tags, IReadOnlyDictionary<string, string> allocatedTags)
    {
        if (allocatedTags.Count == 0)
        {
            return tags;
        }
        var merged = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (k, v) in tags)
        {
            merged[k] = v;
        }
        foreach (var (k, v) in allocatedTags)
        {
            merged[k] = v;
        }
        return merged;
    }
}
