using System.ComponentModel.DataAnnotations;

namespace Portal.Web.Features.Templates;

public sealed class TemplatesOptions
{
    public const string Section = "Portal:Templates";

    /// <summary>Where publish:git creates bare repositories (owner/repo.git); empty: beside the embedded database.</summary>
    public string? RepositoryRoot { get; set; }

    /// <summary>Scratch space for publishing; empty: beside the embedded database.</summary>
    public string? WorkDirectory { get; set; }

    /// <summary>
    /// Where a git server serves <see cref="RepositoryRoot"/> (e.g. <c>https://git.example.com/repos</c>): the clone
    /// command of the repository view and publish:git's <c>cloneUrl</c> are under it; empty: the <c>file://</c> URL.
    /// </summary>
    [RegularExpression(@"^(https?|ssh|git)://[^\s]+$", ErrorMessage = "Portal:Templates:CloneBaseUrl must be an http(s), ssh or git URL.")]
    public string? CloneBaseUrl { get; set; }

    [Required] public string AuthorName { get; set; } = "Portal Scaffolder";
    [Required, EmailAddress] public string AuthorEmail { get; set; } = "scaffolder@portal.localhost";

    /// <summary>The folder of built-in templates registered as a catalog location at first start; empty: the ones shipped with the portal.</summary>
    public string? BuiltInDirectory { get; set; }

    public bool RegisterBuiltIns { get; set; } = true;

    /// <summary>A processing task whose heartbeat is older than this is taken to have lost its worker.</summary>
    [Range(5, 3600)] public int StaleTaskSeconds { get; set; } = 60;

    [Range(1, 600)] public int WatchdogSeconds { get; set; } = 15;

    /// <summary>How often a task is resumed after the portal stopped under it before it fails for good.</summary>
    [Range(1, 10)] public int MaxRecoveries { get; set; } = 3;

    /// <summary>The most Liquid steps (statements, loop iterations) one rendering of one text may take.</summary>
    [Range(1_000, 100_000_000)] public int MaxRenderSteps { get; set; } = TemplateRenderLimits.Default.MaxSteps;

    /// <summary>The most items a range such as <c>(1..n)</c> may have; a for loop over a range is bounded by this too.</summary>
    [Range(10, 10_000_000)] public int MaxRangeSize { get; set; } = TemplateRenderLimits.Default.MaxRangeSize;

    /// <summary>The most characters one rendering may produce, and the longest text (or list) any filter may build.</summary>
    [Range(1_000, 100_000_000)] public int MaxRenderOutputChars { get; set; } = TemplateRenderLimits.Default.MaxOutputChars;

    /// <summary>The wall time one rendering may take.</summary>
    [Range(10, 600_000)] public int MaxRenderMilliseconds { get; set; } = TemplateRenderLimits.Default.MaxMilliseconds;

    /// <summary>The memory one rendering may allocate in all (captures and filters included), in MB.</summary>
    [Range(1, 100_000)] public int MaxRenderMemoryMB { get; set; } = TemplateRenderLimits.Default.MaxMemoryMB;

    /// <summary>The most bytes (JSON) the step outputs of one run may take in all (<see cref="TemplateRunOutputBudget"/>).</summary>
    [Range(1_024, 1L << 30)] public long MaxRunOutputBytes { get; set; } = TemplateRunOutputBudget.DefaultMaxBytes;

    /// <summary>
    /// The most unfinished (queued or running) tasks one person may have at once, browser and tokens together; one more is
    /// refused (429 with Retry-After). Dry runs are not tasks and are not counted (<see cref="ActiveTaskLimit"/>).
    /// </summary>
    [Range(1, 1_000)] public int MaxActiveTasksPerUser { get; set; } = 5;

    /// <summary>
    /// The most <c>notification:send</c> steps a template may have, so the most notifications one run sends (each one a message
    /// in the inbox of each person it reaches); a template with more is refused before it runs.
    /// </summary>
    [Range(1, 100)] public int MaxNotificationsPerRun { get; set; } = 20;

    public TemplateRenderLimits RenderLimits() =>
        new(MaxRenderSteps, MaxRangeSize, MaxRenderOutputChars, MaxRenderMilliseconds, MaxRenderMemoryMB);

    [Required] public GitHubPublishOptions GitHub { get; set; } = new();

    [Required] public GitLabPublishOptions GitLab { get; set; } = new();

    private static string Beside(string folder) =>
        Path.Combine(Path.GetDirectoryName(Infrastructure.Postgres.EmbeddedPostgresOptions.DefaultDataDirectory())!, folder);

    public string ResolveRepositoryRoot() => string.IsNullOrWhiteSpace(RepositoryRoot) ? Beside("repositories") : RepositoryRoot;

    public string ResolveWorkDirectory() => string.IsNullOrWhiteSpace(WorkDirectory) ? Beside("scaffolder") : WorkDirectory;

    public string ResolveBuiltInDirectory() => string.IsNullOrWhiteSpace(BuiltInDirectory)
        ? Path.Combine(AppContext.BaseDirectory, "Features", "Templates", "BuiltIn")
        : BuiltInDirectory;
}
