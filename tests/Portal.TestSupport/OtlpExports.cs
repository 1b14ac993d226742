using Portal.Web.Features.Slo;
using Portal.Web.Features.Slo.Otlp.Collector;
using Portal.Web.Features.Slo.Otlp.Common;
using Portal.Web.Features.Slo.Otlp.Metrics;
using Portal.Web.Features.Slo.Otlp.Resource;
using Portal.Web.Features.Slo.Ingestion;

namespace Portal.TestSupport;

/// <summary>Hand-made OTLP exports, as a service's exporter sends them: one resource (its service.name), one scope.</summary>
public static class OtlpExports
{
    /// <summary>The resource and scope that carry <paramref name="metrics"/> for <paramref name="service"/>.</summary>
    public static ResourceMetrics Resource(string service, params Metric[] metrics)
    {
        var resource = new Resource();
        resource.Attributes.Add(new KeyValue { Key = "service.name", Value = new AnyValue { StringValue = service } });
        var scope = new ScopeMetrics();
        scope.Metrics.AddRange(metrics);
        var resourceMetrics = new ResourceMetrics { Resource = resource };
        resourceMetrics.ScopeMetrics.Add(scope);
        return resourceMetrics;
    }

    /// <summary>An export with one service's metrics.</summary>
    public static ExportMetricsServiceRequest Request(string service, params Metric[] metrics)
    {
        var request = new ExportMetricsServiceRequest();
        request.ResourceMetrics.Add(Resource(service, metrics));
        return request;
    }

    /// <summary>An export of one service's <c>http.server.request.duration</c> histogram (seconds).</summary>
    public static ExportMetricsServiceRequest RequestDurations(string service, Histogram histogram) =>
        Request(service, new Metric { Name = OtlpReader.HttpServerDuration, Unit = "s", Histogram = histogram });

    /// <summary>
    /// Per minute, delta points of fast (50 ms, under the 0.1 s bound) requests split into 200s and 503s, stamped
    /// <paramref name="stampedAfter"/> into the minute: the traffic the SLO, delivery and incident tests send.
    /// </summary>
    public static ExportMetricsServiceRequest MinuteTraffic(string service, IEnumerable<(DateTimeOffset Minute, long Requests, long Errors)> minutes,
        TimeSpan stampedAfter)
    {
        var histogram = new Histogram { AggregationTemporality = AggregationTemporality.Delta };
        foreach (var (minute, requests, errors) in minutes)
        {
            foreach (var (count, status) in new[] { (requests - errors, 200L), (errors, 503L) })
            {
                if (count == 0)
                {
                    continue;
                }
                var point = new HistogramDataPoint
                {
                    StartTimeUnixNano = (ulong)OtlpReader.ToUnixNano(minute), TimeUnixNano = (ulong)OtlpReader.ToUnixNano(minute + stampedAfter),
                    Count = (ulong)count, Sum = count * 0.05,
                };
                point.BucketCounts.AddRange([(ulong)count, 0UL]);
                point.ExplicitBounds.Add(0.1);
                point.Attributes.Add(new KeyValue { Key = "http.response.status_code", Value = new AnyValue { IntValue = status } });
                histogram.DataPoints.Add(point);
            }
        }
        return RequestDurations(service, histogram);
    }
}
