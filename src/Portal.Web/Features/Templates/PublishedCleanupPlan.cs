namespace Portal.Web.Features.Templates;

/// <summary>Which kept copies to evict: pure, so the rule is tested without a disk.</summary>
public static class PublishedCleanupPlan
{
    /// <summary>One copy: its task, when it was last used, its size, and whether its task has finished (a running task may still push to it).</summary>
    public sealed record Copy(Guid TaskId, DateTimeOffset LastUsed, long Bytes, bool TaskFinished);

    /// <summary>
    /// The copies of finished tasks unused for longer than <paramref name="retention"/>; then, while the rest exceed
    /// <paramref name="maxBytes"/>, the least recently used of finished tasks. A running task's copy is never chosen.
    /// </summary>
    public static IReadOnlyList<Copy> Evict(IReadOnlyList<Copy> copies, DateTimeOffset now, TimeSpan retention, long maxBytes)
    {
        var evict = copies.Where(c => c.TaskFinished && now - c.LastUsed > retention).ToList();
        var total = copies.Except(evict).Sum(c => c.Bytes);
        foreach (var copy in copies.Except(evict).Where(c => c.TaskFinished).OrderBy(c => c.LastUsed).ThenBy(c => c.TaskId).ToList())
        {
            if (total <= maxBytes)
            {
                break;
            }
            evict.Add(copy);
            total -= copy.Bytes;
        }
        return evict;
    }
}
