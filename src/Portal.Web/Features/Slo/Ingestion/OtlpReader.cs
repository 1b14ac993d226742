using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Portal.Web.Features.Slo.Otlp.Collector;
using Portal.Web.Features.Slo.Otlp.Common;
using Portal.Web.Features.Slo.Otlp.Metrics;

namespace Portal.Web.Features.Slo.Ingestion;

/// <summary>
/// Reads an OTLP metrics export into samples, rejecting individually invalid points the way the specification
/// defines partial success: unspecified temporality, bucket/bound length mismatch, a missing time, a time too far
/// in the future or the past. Pure: the clock is passed in.
/// </summary>
public static class OtlpReader
{
    public const string HttpServerDuration = "http.server.request.duration";
    public const string UnknownService = "unknown_service";

    /// <param name="ratioMetrics">Metric names ratio SLOs use: their points are kept with their attributes.</param>
    public static OtlpBatch Read(ExportMetricsServiceRequest request, DateTimeOffset now, TimeSpan maxSkew, TimeSpan maxAge,
        IReadOnlySet<string>? ratioMetrics = null)
    {
        ratioMetrics ??= new HashSet<string>();
        var batch = new OtlpBatch();
        var latest = ToUnixNano(now + maxSkew);
        var earliest = ToUnixNano(now - maxAge);
        foreach (var resourceMetrics in request.ResourceMetrics)
        {
            var resource = resourceMetrics.Resource?.Attributes ?? [];
            var service = resource.FirstOrDefault(a => a.Key == "service.name")?.Value?.StringValue is { Length: > 0 } name ? name : UnknownService;
            var resourceId = Identity(resource);
            foreach (var scopeMetrics in resourceMetrics.ScopeMetrics)
            {
                var scopeId = $"{scopeMetrics.Scope?.Name}@{scopeMetrics.Scope?.Version}";
                foreach (var metric in scopeMetrics.Metrics)
                {
                    ReadMetric(batch, metric, service, resourceId + "|" + scopeId, latest, earliest, ratioMetrics);
                }
            }
        }
        return batch;
    }

    private static void ReadMetric(OtlpBatch batch, Metric metric, string service, string prefix, long latest, long earliest, IReadOnlySet<string> ratioMetrics)
    {
        switch (metric.DataCase)
        {
            case Metric.DataOneofCase.Histogram:
            {
                var forRatio = ratioMetrics.Contains(metric.Name);
                var used = metric.Name == HttpServerDuration || forRatio;
                var cumulative = metric.Histogram.AggregationTemporality == AggregationTemporality.Cumulative;
                var streamPrefix = used ? $"{prefix}|{metric.Name}|{metric.Unit}|histogram|{(cumulative ? "c" : "d")}|" : "";
                // Points of one metric nearly always share their bounds: one array for all of them (never changed in place).
                double[] bounds = [];
                long accepted = 0;
                foreach (var point in metric.Histogram.DataPoints)
                {
                    var problem = TimeProblem(metric.Name, point.TimeUnixNano, latest, earliest)
                        ?? TemporalityProblem(metric.Name, metric.Histogram.AggregationTemporality)
                        ?? BucketProblem(metric.Name, point);
                    if (problem is not null)
                    {
                        batch.Reject(service, 1, problem);
                        continue;
                    }
                    accepted++;
                    if (used && (point.Flags & 1) == 0)
                    {
                        if (!SameValues(bounds, point.ExplicitBounds))
                        {
                            bounds = point.ExplicitBounds.ToArray();
                        }
                        var counts = new long[point.BucketCounts.Count];
                        for (var i = 0; i < counts.Length; i++)
                        {
                            counts[i] = (long)point.BucketCounts[i];
                        }
                        batch.Samples.Add(new MetricSample(StreamKey(streamPrefix, point.Attributes), service, metric.Name, cumulative, (long)point.StartTimeUnixNano,
                            (long)point.TimeUnixNano, (long)point.Count, point.HasSum ? point.Sum : 0, counts, bounds, IsServerError(point.Attributes, metric.Unit),
                            forRatio ? Attributes(point.Attributes) : null));
                    }
                }
                Accept(batch, service, accepted);
                break;
            }
            case Metric.DataOneofCase.Sum:
                ReadNumbers(batch, metric.Name, metric.Sum.DataPoints, metric.Sum.AggregationTemporality, service, latest, earliest);
                if (ratioMetrics.Contains(metric.Name) && metric.Sum.IsMonotonic)
                {
                    ReadCounter(batch, metric, service, prefix, latest, earliest);
                }
                break;
            case Metric.DataOneofCase.Gauge:
                ReadNumbers(batch, metric.Name, metric.Gauge.DataPoints, null, service, latest, earliest);
                break;
            case Metric.DataOneofCase.ExponentialHistogram:
                foreach (var point in metric.ExponentialHistogram.DataPoints)
                {
                    var problem = TimeProblem(metric.Name, point.TimeUnixNano, latest, earliest)
                        ?? TemporalityProblem(metric.Name, metric.ExponentialHistogram.AggregationTemporality);
                    if (problem is null)
                    {
                        Accept(batch, service);
                    }
                    else
                    {
                        batch.Reject(service, 1, problem);
                    }
                }
                break;
            case Metric.DataOneofCase.Summary:
                foreach (var point in metric.Summary.DataPoints)
                {
                    if (TimeProblem(metric.Name, point.TimeUnixNano, latest, earliest) is { } problem)
                    {
                        batch.Reject(service, 1, problem);
                    }
                    else
                    {
                        Accept(batch, service);
                    }
                }
                break;
            default:
                break; // a metric with no data has no points to accept or reject
        }
    }

    private static void ReadNumbers(OtlpBatch batch, string name, IEnumerable<NumberDataPoint> points, AggregationTemporality? temporality, string service,
        long latest, long earliest)
    {
        foreach (var point in points)
        {
            var problem = TimeProblem(name, point.TimeUnixNano, latest, earliest) ?? (temporality is { } t ? TemporalityProblem(name, t) : null);
            if (problem is null)
            {
                Accept(batch, service);
            }
            else
            {
                batch.Reject(service, 1, problem);
            }
        }
    }

    /// <summary>A monotonic sum's valid points as samples for ratio SLOs: its value (rounded) counts events.</summary>
    private static void ReadCounter(OtlpBatch batch, Metric metric, string service, string prefix, long latest, long earliest)
    {
        var cumulative = metric.Sum.AggregationTemporality == AggregationTemporality.Cumulative;
        foreach (var point in metric.Sum.DataPoints)
        {
            var value = point.ValueCase == NumberDataPoint.ValueOneofCase.AsInt ? point.AsInt : point.AsDouble;
            if (TimeProblem(metric.Name, point.TimeUnixNano, latest, earliest) is not null || metric.Sum.AggregationTemporality == AggregationTemporality.Unspecified
                || (point.Flags & 1) != 0 || !double.IsFinite(value) || value < 0)
            {
                continue;
            }
            var key = StreamKey($"{prefix}|{metric.Name}|{metric.Unit}|sum|{(cumulative ? "c" : "d")}|", point.Attributes);
            batch.Samples.Add(new MetricSample(key, service, metric.Name, cumulative, (long)point.StartTimeUnixNano, (long)point.TimeUnixNano,
                (long)Math.Round(value), 0, [], [], false, Attributes(point.Attributes)));
        }
    }

    /// <summary>Point attributes as strings (the form ratio SLO filters compare with).</summary>
    private static Dictionary<string, string> Attributes(IEnumerable<KeyValue> attributes)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var a in attributes)
        {
            result[a.Key] = a.Value?.ValueCase switch
            {
                AnyValue.ValueOneofCase.StringValue => a.Value.StringValue,
                AnyValue.ValueOneofCase.IntValue => a.Value.IntValue.ToString(CultureInfo.InvariantCulture),
                AnyValue.ValueOneofCase.BoolValue => a.Value.BoolValue ? "true" : "false",
                AnyValue.ValueOneofCase.DoubleValue => a.Value.DoubleValue.ToString("R", CultureInfo.InvariantCulture),
                _ => a.Value?.ToString() ?? "",
            };
        }
        return result;
    }

    private static void Accept(OtlpBatch batch, string service, long points = 1)
    {
        if (points > 0)
        {
            batch.PointsByService[service] = batch.PointsByService.GetValueOrDefault(service) + points;
        }
    }

    private static bool SameValues(double[] values, Google.Protobuf.Collections.RepeatedField<double> other)
    {
        if (values.Length != other.Count)
        {
            return false;
        }
        for (var i = 0; i < values.Length; i++)
        {
            if (values[i].CompareTo(other[i]) != 0)
            {
                return false;
            }
        }
        return true;
    }

    private static string? TimeProblem(string metric, ulong time, long latest, long earliest)
    {
        if (time == 0)
        {
            return $"{metric}: a data point has no time_unix_nano.";
        }
        if (time > (ulong)latest)
        {
            return $"{metric}: a data point is stamped in the future (beyond the allowed clock skew).";
        }
        return time < (ulong)earliest ? $"{metric}: a data point is older than the longest SLO window kept." : null;
    }

    private static string? TemporalityProblem(string metric, AggregationTemporality temporality) =>
        temporality == AggregationTemporality.Unspecified ? $"{metric}: aggregation_temporality is unspecified (it must be delta or cumulative)." : null;

    private static string? BucketProblem(string metric, HistogramDataPoint point)
    {
        if (point.HasSum && !double.IsFinite(point.Sum))
        {
            return $"{metric}: sum is not a finite number.";
        }
        foreach (var b in point.ExplicitBounds)
        {
            if (!double.IsFinite(b))
            {
                return $"{metric}: explicit_bounds holds a value that is not a finite number.";
            }
        }
        if (point.BucketCounts.Count == 0 && point.ExplicitBounds.Count == 0)
        {
            return null;
        }
        if (point.BucketCounts.Count != point.ExplicitBounds.Count + 1)
        {
            return $"{metric}: {point.BucketCounts.Count} bucket counts for {point.ExplicitBounds.Count} bounds (there must be one more count than bounds).";
        }
        for (var i = 1; i < point.ExplicitBounds.Count; i++)
        {
            if (!(point.ExplicitBounds[i] > point.ExplicitBounds[i - 1]))
            {
                return $"{metric}: explicit_bounds must be strictly increasing.";
            }
        }
        var total = 0UL;
        foreach (var c in point.BucketCounts)
        {
            total += c;
        }
        return total != point.Count ? $"{metric}: the bucket counts add up to {total}, not to count {point.Count}." : null;
    }

    /// <summary>A server error per the HTTP conventions: status >= 500, or error.type set without a status code.</summary>
    public static bool IsServerError(IEnumerable<KeyValue> attributes, string unit)
    {
        _ = unit;
        long? status = null;
        var hasErrorType = false;
        foreach (var a in attributes)
        {
            if (a.Key == "http.response.status_code")
            {
                status = a.Value?.ValueCase switch
                {
                    AnyValue.ValueOneofCase.IntValue => a.Value.IntValue,
                    AnyValue.ValueOneofCase.StringValue when long.TryParse(a.Value.StringValue, NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) => s,
                    _ => null,
                };
            }
            else if (a.Key == "error.type")
            {
                hasErrorType = true;
            }
        }
        return status is { } code ? code >= 500 : hasErrorType;
    }

    /// <summary>Attributes in a canonical order (by key, stable), so the same set always names the same stream.</summary>
    private static void AppendIdentity(StringBuilder identity, IReadOnlyList<KeyValue> attributes)
    {
        if (attributes.Count == 0)
        {
            return;
        }
        var sorted = true;
        for (var i = 1; i < attributes.Count && sorted; i++)
        {
            sorted = string.CompareOrdinal(attributes[i - 1].Key, attributes[i].Key) <= 0;
        }
        foreach (var a in sorted ? attributes : (IEnumerable<KeyValue>)attributes.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            identity.Append(a.Key).Append('=');
            // Scalars written directly (typed, so 1 and "1" differ); the rest in protobuf's JSON form, which is slower.
            _ = a.Value?.ValueCase switch
            {
                AnyValue.ValueOneofCase.StringValue => identity.Append("s:").Append(a.Value.StringValue),
                AnyValue.ValueOneofCase.IntValue => identity.Append("i:").Append(a.Value.IntValue.ToString(CultureInfo.InvariantCulture)),
                AnyValue.ValueOneofCase.DoubleValue => identity.Append("d:").Append(a.Value.DoubleValue.ToString("R", CultureInfo.InvariantCulture)),
                AnyValue.ValueOneofCase.BoolValue => identity.Append("b:").Append(a.Value.BoolValue ? '1' : '0'),
                null => identity,
                _ => identity.Append(a.Value.ToString()),
            };
            identity.Append('\u001f');
        }
    }

    private static string Identity(IReadOnlyList<KeyValue> attributes)
    {
        var identity = new StringBuilder();
        AppendIdentity(identity, attributes);
        return identity.ToString();
    }

    [ThreadStatic]
    private static StringBuilder? identityBuilder;

    // Stream keys by identity: a live stream comes back in every export, and hashing it again (SHA-256 through OpenSSL)
    // and allocating its key again cost more than the lookup. Bounded; emptied when full (a miss only costs a hash).
    private const int MaxCachedKeys = 200_000;
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> KeysByIdentity = new(StringComparer.Ordinal);
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> KeysBySpan =
        KeysByIdentity.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>
    /// SHA-256 (hex) of the prefix followed by the attributes' identity: the stream key. Built in reused buffers, as it
    /// runs for every point.
    /// </summary>
    private static string StreamKey(string prefix, IReadOnlyList<KeyValue> attributes)
    {
        var identity = identityBuilder ??= new StringBuilder(256);
        identity.Clear().Append(prefix);
        AppendIdentity(identity, attributes);
        Span<char> chars = identity.Length <= 512 ? stackalloc char[identity.Length] : new char[identity.Length];
        identity.CopyTo(0, chars, chars.Length);
        if (KeysBySpan.TryGetValue(chars, out var known))
        {
            return known;
        }
        var key = HashKey(chars);
        if (KeysByIdentity.Count >= MaxCachedKeys)
        {
            KeysByIdentity.Clear();
        }
        KeysBySpan.TryAdd(chars, key);
        return key;
    }

    private static string HashKey(ReadOnlySpan<char> chars)
    {
        var byteCount = Encoding.UTF8.GetByteCount(chars);
        var rented = byteCount <= 1024 ? null : System.Buffers.ArrayPool<byte>.Shared.Rent(byteCount);
        try
        {
            Span<byte> bytes = rented is null ? stackalloc byte[byteCount] : rented.AsSpan(0, byteCount);
            Encoding.UTF8.GetBytes(chars, bytes);
            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(bytes, hash);
            return Convert.ToHexString(hash);
        }
        finally
        {
            if (rented is not null)
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    public static long ToUnixNano(DateTimeOffset at) => (at.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;

    public static DateTimeOffset FromUnixNano(long nanos) => DateTimeOffset.UnixEpoch.AddTicks(nanos / 100);
}
