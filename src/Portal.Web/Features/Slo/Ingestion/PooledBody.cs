using Portal.Web.Features.Slo.Otlp.Collector;
using Portal.Web.Features.Slo.Otlp.Rpc;

namespace Portal.Web.Features.Slo.Ingestion;

/// <summary>
/// A request body read into a pooled array: an export is about 100 kB, and a fresh array of that size per request
/// lands on the large object heap, whose churn made the collector run full collections several times a second.
/// </summary>
public sealed class PooledBody : IDisposable
{
    private byte[]? _array;

    private PooledBody(byte[] array, int length)
    {
        _array = array;
        Length = length;
    }

    public byte[] Array => _array ?? throw new ObjectDisposedException(nameof(PooledBody));
    public int Length { get; }
    public ReadOnlySpan<byte> Span => Array.AsSpan(0, Length);

    /// <summary>Reads at most <paramref name="limit"/> bytes; null when there is more.</summary>
    public static async Task<PooledBody?> ReadAsync(Stream stream, long limit, long? lengthHint, CancellationToken cancellationToken)
    {
        var pool = System.Buffers.ArrayPool<byte>.Shared;
        var array = pool.Rent((int)Math.Clamp((lengthHint ?? 0) + 1, Math.Min(16 * 1024, limit + 1), Math.Min(limit + 1, 64L * 1024 * 1024)));
        var length = 0;
        try
        {
            while (true)
            {
                if (length == array.Length)
                {
                    var larger = pool.Rent((int)Math.Min((long)array.Length * 2, limit + 1));
                    array.AsSpan(0, length).CopyTo(larger);
                    pool.Return(array);
                    array = larger;
                }
                var read = await stream.ReadAsync(array.AsMemory(length), cancellationToken);
                if (read == 0)
                {
                    var body = new PooledBody(array, length);
                    array = null;
                    return body;
                }
                length += read;
                if (length > limit)
                {
                    return null;
                }
            }
        }
        finally
        {
            if (array is not null)
            {
                pool.Return(array);
            }
        }
    }

    public void Dispose()
    {
        if (_array is { } array)
        {
            _array = null;
            System.Buffers.ArrayPool<byte>.Shared.Return(array);
        }
    }
}
