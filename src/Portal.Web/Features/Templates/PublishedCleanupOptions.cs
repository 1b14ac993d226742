using System.ComponentModel.DataAnnotations;

namespace Portal.Web.Features.Templates;

/// <summary>How long the repository view's copies of GitHub/GitLab repositories are kept (see <see cref="PublishedCleanupJob"/>).</summary>
public sealed class PublishedCleanupOptions
{
    public const string Section = "Portal:Templates:PublishedCleanup";

    /// <summary>A copy nobody viewed (or pushed to) for this many days is evicted; the view fetches it again when asked.</summary>
    [Range(1, 3650)] public int RetentionDays { get; set; } = 30;

    /// <summary>The most the copies may take in all, in MB; above it the least recently used copies of finished tasks go first.</summary>
    [Range(1, 10_000_000)] public int MaxTotalMB { get; set; } = 5120;
}
