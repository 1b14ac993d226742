using System.Buffers;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Portal.Web.Features.Templates;

/// <summary>
/// The total size of the step outputs one run keeps (in memory for later steps, and in the task's rows). One output
/// is bounded by its action (an API answer by 1 MiB), the total by this, so a template of many large steps fails
/// with the limit named instead of filling the server's memory and the database.
/// </summary>
public static class TemplateRunOutputBudget
{
    private const long MiB = 1024 * 1024;

    /// <summary>
    /// Real templates keep a few KB (ids, URLs, a catalog answer or two); 8 MiB is eight API answers at their own
    /// limit, and small enough that parallel runs (each checked twice: dry run, then run) cannot exhaust the host.
    /// </summary>
    public const long DefaultMaxBytes = 8 * MiB;

    /// <summary>The size of an output as stored: its JSON in UTF-8.</summary>
    public static long SizeOf(JsonObject? output)
    {
        if (output is null)
        {
            return 0;
        }
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            output.WriteTo(writer);
        }
        return buffer.WrittenCount;
    }

    /// <summary>
    /// Null when a step's output of <paramref name="stepBytes"/> still fits after <paramref name="usedBytes"/> of earlier steps; else why not.
    /// The message does not name the step: the dry run and the task put the step in front of it.
    /// </summary>
    public static string? Exceeded(long usedBytes, long stepBytes, long maxBytes) =>
        usedBytes + stepBytes <= maxBytes
            ? null
            : $"Template run stopped: the run's step outputs would exceed {Describe(maxBytes)} (Portal:Templates:MaxRunOutputBytes): "
              + $"the step returned {Describe(stepBytes)} after {Describe(usedBytes)} from earlier steps. Keep fewer or smaller outputs (e.g. ask an API for fewer items).";

    /// <summary>Whole MiB as such (8 MiB), anything else in bytes.</summary>
    public static string Describe(long bytes) =>
        bytes >= MiB && bytes % MiB == 0
            ? (bytes / MiB).ToString(CultureInfo.InvariantCulture) + " MiB"
            : bytes.ToString("N0", CultureInfo.InvariantCulture) + " bytes";
}
