namespace Portal.Web.Infrastructure.Jobs;

/// <summary>
/// A hosted service that does one pass at start-up and then one per interval; a failed pass is logged and the
/// next one still comes (the watchdogs that recover lost runs must not die with their first database hiccup).
/// </summary>
public abstract class PeriodicService(TimeSpan interval, ILogger logger) : BackgroundService
{
    protected abstract Task RunOnceAsync(CancellationToken cancellationToken);

    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval);
        do
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "{Service} failed; it tries again in {Interval}", GetType().Name, interval);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
