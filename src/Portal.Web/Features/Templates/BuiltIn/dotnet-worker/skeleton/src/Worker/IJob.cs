namespace Worker;

/// <summary>The unit of work the worker runs on every tick.</summary>
public interface IJob
{
    /// <summary>Names the job in logs, traces and the <c>job</c> attribute of its metrics.</summary>
    string Name { get; }

    /// <summary>One run. An exception counts the run as failed; the next tick runs the job again.</summary>
    Task RunAsync(CancellationToken cancellationToken);
}
