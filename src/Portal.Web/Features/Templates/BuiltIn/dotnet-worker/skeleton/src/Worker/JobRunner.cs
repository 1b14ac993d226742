using System.Diagnostics;

namespace Worker;

/// <summary>Runs the job once, inside a trace span, and records its outcome and duration.</summary>
public sealed partial class JobRunner(IJob job, JobTelemetry telemetry, TimeProvider time, ILogger<JobRunner> logger)
{
    /// <returns><see cref="JobOutcome.Success"/> or <see cref="JobOutcome.Failure"/>.</returns>
    /// <exception cref="OperationCanceledException">The worker is stopping; the run is not counted.</exception>
    public async Task<string> RunOnceAsync(CancellationToken cancellationToken)
    {
        using var activity = JobTelemetry.ActivitySource.StartActivity($"job {job.Name}");
        activity?.SetTag(JobTelemetry.JobTag, job.Name);
        var started = time.GetTimestamp();
        var outcome = JobOutcome.Success;
        try
        {
            await job.RunAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            // One failed run must not stop the worker: it is logged, traced and counted, and the next tick tries again.
            outcome = JobOutcome.Failure;
            LogFailed(ex, job.Name);
            activity?.AddException(ex);
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
        }
        telemetry.RecordRun(job.Name, outcome, time.GetElapsedTime(started));
        return outcome;
    }

    [LoggerMessage(LogLevel.Error, "Job {Job} failed")]
    private partial void LogFailed(Exception exception, string job);
}

/// <summary>The values of the <c>outcome</c> attribute (openslo.yaml counts failures).</summary>
public static class JobOutcome
{
    public const string Success = "success";
    public const string Failure = "failure";
}
