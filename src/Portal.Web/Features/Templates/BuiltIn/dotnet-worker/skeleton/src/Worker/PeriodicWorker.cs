using Microsoft.Extensions.Options;

namespace Worker;

/// <summary>Runs the job at once, then on every tick of the configured interval, until the host stops.</summary>
public sealed class PeriodicWorker(JobRunner runner, IOptions<WorkerOptions> options, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // A run longer than the interval delays the next tick rather than overlapping it.
        using var timer = new PeriodicTimer(options.Value.Interval, time);
        try
        {
            do
            {
                await runner.RunOnceAsync(stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping.
        }
    }
}
