using System.Diagnostics;

namespace Portal.Web.Features.Templates;

/// <summary>
/// The running account of one rendering: wall time, memory allocated and characters produced. Checked by the template
/// engine at every loop iteration, output and filter call.
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
