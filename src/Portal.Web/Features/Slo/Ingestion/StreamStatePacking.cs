namespace Portal.Web.Features.Slo.Ingestion;

/// <summary>
/// Stream states packed into one byte array, the form an export appends to the journal: one row per export instead
/// of one row update per stream. Component refs, metric names and bounds arrays are written once per array. Pure.
/// </summary>
public static class StreamStatePacking
{
    private const byte Version = 1;

    public static byte[] Pack(IReadOnlyCollection<MetricStream> states)
    {
        using var buffer = new MemoryStream();
        Pack(states, buffer);
        return buffer.ToArray();
    }

    /// <summary>Packs into <paramref name="buffer"/> from its start (a reused buffer: an export's states are about 100 kB).</summary>
    public static void Pack(IReadOnlyCollection<MetricStream> states, MemoryStream buffer)
    {
        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        var bounds = new Dictionary<double[], int>(ReferenceEqualityComparer.Instance);
        foreach (var state in states)
        {
            names.TryAdd(state.ComponentRef, names.Count);
            names.TryAdd(state.Metric, names.Count);
            bounds.TryAdd(state.Bounds, bounds.Count);
        }
        buffer.SetLength(0);
        using var writer = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true);
        writer.Write(Version);
        writer.Write7BitEncodedInt(names.Count);
        foreach (var name in names.Keys)
        {
            writer.Write(name);
        }
        writer.Write7BitEncodedInt(bounds.Count);
        foreach (var array in bounds.Keys)
        {
            writer.Write7BitEncodedInt(array.Length);
            writer.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(array.AsSpan()));
        }
        writer.Write7BitEncodedInt(states.Count);
        foreach (var state in states)
        {
            writer.Write(state.Key);
            writer.Write7BitEncodedInt(names[state.ComponentRef]);
            writer.Write7BitEncodedInt(names[state.Metric]);
            writer.Write(state.StartUnixNano);
            writer.Write(state.TimeUnixNano);
            writer.Write(state.Value);
            writer.Write(state.Sum);
            writer.Write7BitEncodedInt(bounds[state.Bounds]);
            writer.Write7BitEncodedInt(state.BucketCounts.Length);
            foreach (var count in state.BucketCounts)
            {
                writer.Write7BitEncodedInt64(count);
            }
        }
        writer.Flush();
    }

    /// <summary>The states packed by <see cref="Pack"/>, each marked as last seen at <paramref name="seenAt"/>.</summary>
    public static List<MetricStream> Unpack(byte[] packed, DateTimeOffset seenAt)
    {
        using var reader = new BinaryReader(new MemoryStream(packed, writable: false));
        if (reader.ReadByte() != Version)
        {
            throw new InvalidDataException("Unknown stream-state journal format.");
        }
        var names = new string[reader.Read7BitEncodedInt()];
        for (var i = 0; i < names.Length; i++)
        {
            names[i] = reader.ReadString();
        }
        var bounds = new double[reader.Read7BitEncodedInt()][];
        for (var i = 0; i < bounds.Length; i++)
        {
            var array = new double[reader.Read7BitEncodedInt()];
            reader.Read(System.Runtime.InteropServices.MemoryMarshal.AsBytes(array.AsSpan()));
            bounds[i] = array;
        }
        var states = new List<MetricStream>(reader.Read7BitEncodedInt());
        for (var n = states.Capacity; n > 0; n--)
        {
            var state = new MetricStream
            {
                Key = reader.ReadString(),
                ComponentRef = names[reader.Read7BitEncodedInt()],
                Metric = names[reader.Read7BitEncodedInt()],
                StartUnixNano = reader.ReadInt64(),
                TimeUnixNano = reader.ReadInt64(),
                Value = reader.ReadDouble(),
                Sum = reader.ReadDouble(),
                Bounds = bounds[reader.Read7BitEncodedInt()],
                LastSeenAt = seenAt,
            };
            state.BucketCounts = new long[reader.Read7BitEncodedInt()];
            for (var i = 0; i < state.BucketCounts.Length; i++)
            {
                state.BucketCounts[i] = reader.Read7BitEncodedInt64();
            }
            states.Add(state);
        }
        return states;
    }
}
