using System.ComponentModel.DataAnnotations;

namespace Portal.Web.Features.Environments;

/// <summary>Unit prices the cost estimate multiplies a tier by (per month).</summary>
public sealed class EnvironmentPrices
{
    [Range(0, 1_000_000)] public decimal CpuCoreMonth { get; set; } = 24.00m;
    [Range(0, 1_000_000)] public decimal MemoryGiMonth { get; set; } = 3.20m;
    [Range(0, 1_000_000)] public decimal StorageGiMonth { get; set; } = 0.10m;
    [Required] public string Currency { get; set; } = "USD";
}

public sealed class GitOpsOptions
{
    /// <summary>The GitOps repository; empty means a bare repository the portal creates under the work directory.</summary>
    public string? RepositoryUrl { get; set; }
    [Required] public string Branch { get; set; } = "main";

    /// <summary>The cluster folder: manifests go to clusters/&lt;cluster&gt;/environments/&lt;name&gt;/.</summary>
    [Required, RegularExpression("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")] public string Cluster { get; set; } = "local";
    [Required] public string AuthorName { get; set; } = "Portal";
    [Required] public string AuthorEmail { get; set; } = "portal@localhost";

    /// <summary>The cluster role the owning team's group is bound to in its namespace.</summary>
    [Required] public string TeamRole { get; set; } = "edit";
}

public sealed class TerraformOptions
{
    /// <summary>The terraform executable (a name on PATH or a path).</summary>
    [Required] public string Binary { get; set; } = "terraform";

    /// <summary>The module every environment is built from; empty means the built-in module shipped with the portal.</summary>
    public string? ModuleDirectory { get; set; }

    public string ResolveModuleDirectory() => string.IsNullOrWhiteSpace(ModuleDirectory)
        ? Path.Combine(AppContext.BaseDirectory, "Features", "Environments", "Drivers", "terraform-module")
        : ModuleDirectory;
}

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
