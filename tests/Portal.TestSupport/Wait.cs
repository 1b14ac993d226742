using System.Diagnostics;

namespace Portal.TestSupport;

/// <summary>Wait-for-condition instead of sleeps.</summary>
public static class Wait
{
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var watch = Stopwatch.StartNew();
        Exception? last = null;
        while (watch.Elapsed < timeout)
        {
            Task<bool>? check = null;
            try
            {
                // A check that never answers (a request with no timeout of its own) ends the wait at its deadline too.
                check = condition();
                if (await check.WaitAsync(TimeSpan.FromTicks(Math.Max(0, (timeout - watch.Elapsed).Ticks))))
                {
                    return;
                }
            }
            catch (TimeoutException) when (check is { IsCompleted: false })
            {
                break;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
            {
                last = ex;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0} s waiting for {what}." + (last is null ? "" : $" Last error: {last.GetType().Name}: {last.Message}"), last);
    }

    public static Task UntilAsync(Func<bool> condition, TimeSpan timeout, string what) =>
        UntilAsync(() => Task.FromResult(condition()), timeout, what);
}
