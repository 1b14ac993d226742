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
