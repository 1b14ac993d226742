using System.ComponentModel.DataAnnotations;

namespace Portal.Web.Features.Environments;

public sealed class EnvironmentsOptions
{
    public const string Section = "Portal:Environments";

    /// <summary>Where GitOps checkouts and Terraform working directories live; empty means beside the embedded database.</summary>
    public string? WorkDirectory { get; set; }

    /// <summary>The driver used when a request names none ("gitops" or "terraform").</summary>
    [Required] public string DefaultDriver { get; set; } = "gitops";

    /// <summary>How long before expiry the owners are warned.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "30.00:00:00")] public TimeSpan ExpiryWarning { get; set; } = TimeSpan.FromHours(24);

    /// <summary>A running run whose heartbeat is older than this is taken to be dead and is run again.</summary>
    [Range(2, 3600)] public int StaleRunSeconds { get; set; } = 60;

    /// <summary>How often the watchdog looks for dead or lost runs.</summary>
    [Range(1, 3600)] public int WatchdogSeconds { get; set; } = 15;

    /// <summary>Attempts per step on transient errors (git or terraform failing, I/O), with exponential backoff.</summary>
    [Range(1, 10)] public int StepAttempts { get; set; } = 3;

    [Range(0, 600)] public double RetryBaseDelaySeconds { get; set; } = 1;

    [Required] public EnvironmentPrices Prices { get; set; } = new();
    [Required] public GitOpsOptions GitOps { get; set; } = new();
    [Required] public TerraformOptions Terraform { get; set; } = new();

    public string ResolveWorkDirectory() => string.IsNullOrWhiteSpace(WorkDirectory)
        ? Path.Combine(Path.GetDirectoryName(Infrastructure.Postgres.EmbeddedPostgresOptions.DefaultDataDirectory())!, "environments")
        : WorkDirectory;
}
