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
}
