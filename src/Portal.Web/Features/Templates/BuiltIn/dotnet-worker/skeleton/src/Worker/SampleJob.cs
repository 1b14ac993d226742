namespace Worker;

/// <summary>A placeholder: replace its body with the worker's real job (drain a queue, sync a system, clean up).</summary>
public sealed partial class SampleJob(TimeProvider time, ILogger<SampleJob> logger) : IJob
{
    public string Name => "sample";

    public Task RunAsync(CancellationToken cancellationToken)
    {
        LogRan(time.GetUtcNow());
        return Task.CompletedTask;
    }

    [LoggerMessage(LogLevel.Information, "Sample job ran at {Time:O}")]
    private partial void LogRan(DateTimeOffset time);
}
