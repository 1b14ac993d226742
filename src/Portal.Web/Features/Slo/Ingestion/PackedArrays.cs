namespace Portal.Web.Features.Slo.Ingestion;

/// <summary>Arrays of numbers as raw bytes (bytea), for the per-stream state written by every export.</summary>
public static class PackedArrays
{
    public static readonly Microsoft.EntityFrameworkCore.ChangeTracking.ValueComparer<long[]> LongsComparer =
        new((a, b) => Enumerable.SequenceEqual(a!, b!), v => v.Length, v => v.ToArray());

    public static readonly Microsoft.EntityFrameworkCore.ChangeTracking.ValueComparer<double[]> DoublesComparer =
        new((a, b) => Enumerable.SequenceEqual(a!, b!), v => v.Length, v => v.ToArray());

    public static byte[] Pack(long[] values) => System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()).ToArray();

    public static byte[] Pack(double[] values) => System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()).ToArray();

    public static long[] UnpackLongs(byte[] bytes) => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, long>(bytes).ToArray();

    public static double[] UnpackDoubles(byte[] bytes) => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, double>(bytes).ToArray();
}
