using System.Diagnostics;
using System.Globalization;

namespace Portal.Web.Features.Templates;

/// <summary>
/// What one rendering of one text (a file, a file name, a step input) may cost. Each limit names its setting, so an
/// author who hits one knows what to change or whom to ask.
/// </summary>
public sealed record TemplateRenderLimits(int MaxSteps, int MaxRangeSize, int MaxOutputChars, int MaxMilliseconds, int MaxMemoryMB)
{
    /// <summary>
    /// Generous for real templates (the built-ins take a few hundred steps and a few KB per file; Backstage's own
    /// templates are of the same order) and small enough that one request cannot take the host down.
    /// </summary>
    public static readonly TemplateRenderLimits Default = new(MaxSteps: 100_000, MaxRangeSize: 10_000, MaxOutputChars: 1_000_000,
        MaxMilliseconds: 2_000, MaxMemoryMB: 256);

    private static readonly AsyncLocal<TemplateRenderLimits?> Ambient = new();

    /// <summary>The limits of the run in progress (set by <see cref="TemplateRunner"/>), else the defaults.</summary>
    public static TemplateRenderLimits Current => Ambient.Value ?? Default;

    /// <summary>Makes these the limits of everything rendered in the current async flow until disposed.</summary>
    public static IDisposable Use(TemplateRenderLimits limits)
    {
        var previous = Ambient.Value;
        Ambient.Value = limits;
        return new Restore(previous);
    }

    private sealed class Restore(TemplateRenderLimits? previous) : IDisposable
    {
        public void Dispose() => Ambient.Value = previous;
    }

    internal static string N(long value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>A rendering went past one of <see cref="TemplateRenderLimits"/>; the message names the limit and its setting.</summary>
public sealed class TemplateLimitException(string message) : Exception(message);

/// <summary>
/// The running account of one rendering: wall time, memory allocated and characters produced. Checked by the guards
/// Fluid lacks (every loop iteration, every output, every filter call).
/// </summary>
public sealed class TemplateRenderBudget(TemplateRenderLimits limits)
{
    public const string Prefix = "Template rendering stopped: ";

    private readonly long _started = Stopwatch.GetTimestamp();
    private int _thread = Environment.CurrentManagedThreadId;
    private long _allocatedBefore = GC.GetAllocatedBytesForCurrentThread();

    public TemplateRenderLimits Limits => limits;

    /// <summary>Throws when the rendering has run too long or allocated too much.</summary>
    public void Check()
    {
        if (Stopwatch.GetElapsedTime(_started).TotalMilliseconds > limits.MaxMilliseconds)
        {
            throw new TemplateLimitException(
                $"{Prefix}it took longer than {TemplateRenderLimits.N(limits.MaxMilliseconds)} ms (Portal:Templates:MaxRenderMilliseconds).");
        }
        // Allocation is counted per thread; should the rendering move to another thread, counting starts again there.
        if (Environment.CurrentManagedThreadId != _thread)
        {
            _thread = Environment.CurrentManagedThreadId;
            _allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - _allocatedBefore;
        if (allocated > limits.MaxMemoryMB * 1024L * 1024L)
        {
            throw new TemplateLimitException(
                $"{Prefix}it allocated more than {TemplateRenderLimits.N(limits.MaxMemoryMB)} MB (Portal:Templates:MaxRenderMemoryMB).");
        }
    }

    /// <summary>Throws when a text (or list) of this size would be more than one rendering may produce.</summary>
    public void CheckSize(long size, string what)
    {
        if (size > limits.MaxOutputChars)
        {
            throw new TemplateLimitException(
                $"{Prefix}{what} would be longer than {TemplateRenderLimits.N(limits.MaxOutputChars)} characters (Portal:Templates:MaxRenderOutputChars).");
        }
    }

    /// <summary>Throws when a range is larger than allowed.</summary>
    public void CheckRange(long size)
    {
        if (size > limits.MaxRangeSize)
        {
            throw new TemplateLimitException(
                $"{Prefix}a range of {TemplateRenderLimits.N(size)} items is more than {TemplateRenderLimits.N(limits.MaxRangeSize)} (Portal:Templates:MaxRangeSize).");
        }
    }

    public string StepsExceeded() =>
        $"{Prefix}more than {TemplateRenderLimits.N(limits.MaxSteps)} steps (Portal:Templates:MaxRenderSteps).";
}
