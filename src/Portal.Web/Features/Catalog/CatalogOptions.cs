using System.ComponentModel.DataAnnotations;

namespace Portal.Web.Features.Catalog;

public sealed class CatalogOptions : IValidatableObject
{
    public const string Section = "Portal:Catalog";

    /// <summary>Largest descriptor (or substituted file) read, in bytes.</summary>
    [Range(1_024, 1_073_741_824)]
    public long MaxFileBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>How often every location is refreshed: an interval with an exact cron schedule (<see cref="RefreshSchedule"/>).</summary>
    [Range(1, 10_080)]
    public int RefreshIntervalMinutes { get; set; } = 30;

    /// <summary>How long an entity that vanished from its source stays (flagged as orphan) before removal.</summary>
    [Range(0, 8_760)]
    public int OrphanGraceHours { get; set; } = 24;

    /// <summary>Where git locations are cloned; empty means a folder under the temp directory.</summary>
    public string? GitCacheDirectory { get; set; }

    /// <summary>Hosts whose https URLs may be read (url locations and the $text/$json/$yaml URLs in them). Empty: none, so nothing is fetched from the network.</summary>
    public string[] AllowedUrlHosts { get; set; } = [];

    /// <summary>Tokens for git locations, per host (credentials in a location's URL are refused: locations are visible to every reader).</summary>
    public List<Ingestion.GitCredential> GitCredentials { get; set; } = [];

    /// <summary>Allow url locations to resolve to private or loopback addresses (off: SSRF protection).</summary>
    public bool AllowPrivateNetworkUrls { get; set; }

    /// <summary>Most entities one location may yield (a runaway glob must not fill the database).</summary>
    [Range(1, 10_000_000)]
    public int MaxEntitiesPerLocation { get; set; } = 500_000;

    /// <summary>
    /// Most entities the in-memory search index holds (about 650 bytes each); above it, or at 0, PostgreSQL answers
    /// every query. At 100,000 entities the index is about 65 MB.
    /// </summary>
    [Range(0, 10_000_000)]
    public int SearchIndexMaxEntities { get; set; } = 1_000_000;

    public string ResolveGitCacheDirectory() =>
        string.IsNullOrWhiteSpace(GitCacheDirectory) ? System.IO.Path.Combine(System.IO.Path.GetTempPath(), "portal-git-cache") : GitCacheDirectory;

    public IEnumerable<System.ComponentModel.DataAnnotations.ValidationResult> Validate(ValidationContext validationContext)
    {
        if (RefreshIntervalMinutes is >= 1 and <= 10_080 && RefreshSchedule.Cron(RefreshIntervalMinutes) is null)
        {
            yield return new(RefreshSchedule.Problem(RefreshIntervalMinutes), [nameof(RefreshIntervalMinutes)]);
        }
    }
}
