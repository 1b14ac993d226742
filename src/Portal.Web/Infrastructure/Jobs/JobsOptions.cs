namespace Portal.Web.Infrastructure.Jobs;

public sealed class JobsOptions
{
    public const string Section = "Portal:Jobs";

    /// <summary>Hangfire worker threads in this process; every replica runs a Hangfire server.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 100)]
    public int WorkerCount { get; set; } = Math.Min(Environment.ProcessorCount * 5, 20);

    /// <summary>How often idle workers look for new jobs (Hangfire.PostgreSql polls; its default of 15 s would make every request wait).</summary>
    [System.ComponentModel.DataAnnotations.Range(50, 60_000)]
    public int QueuePollMilliseconds { get; set; } = 500;

    /// <summary>
    /// How long a running job's queue entry stays invisible to other replicas without a keep-alive from its worker (sliding: the
    /// worker renews it every fifth of this while the job runs). A replica killed mid-job stops renewing, so its job is run
    /// again elsewhere about this long after the kill. Too short, and a replica stalled that long (GC, CPU starvation, lost
    /// database) has its job started a second time.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(5, 86_400)]
    public int InvisibilityTimeoutSeconds { get; set; } = 300;

    /// <summary>
    /// How old a Hangfire distributed lock (<c>[DisableConcurrentExecution]</c>, the recurring-job scheduler) must be before
    /// another replica may break it. Hangfire.PostgreSql keeps these as rows that nobody renews, so a lock left by a killed
    /// replica holds this long; and a job that holds one longer than this may be started beside itself.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(5, 86_400)]
    public int DistributedLockTimeoutSeconds { get; set; } = 600;
}
