using OpenTelemetry;
using OpenTelemetry.Metrics;
using Portal.Web.Features.Slo.Otlp.Common;
using Portal.Web.Features.Slo.Otlp.Metrics;
using Portal.Web.Features.Slo.Otlp.Resource;
using OtlpMetric = Portal.Web.Features.Slo.Otlp.Metrics.Metric;
using SdkMetric = OpenTelemetry.Metrics.Metric;

namespace Portal.Web.Features.Slo.Ingestion;

/// <summary>
/// The portal's own SLO data (the guide's M1): its <c>http.server.request.duration</c> histogram, read in process by an
/// OpenTelemetry metric reader, goes through the same <see cref="MetricsIngestion"/> an OTLP export from any service
/// does, as the service <see cref="SloOptions.SelfServiceName"/>. No collector is needed, and the portal's SLOs are
/// defined, evaluated and shown like any other component's.
/// </summary>
public sealed class SelfMetricsExporter(MetricsIngestion ingestion, string serviceName, ILogger<SelfMetricsExporter> logger) : BaseExporter<SdkMetric>
{
    private bool _warned;

    public override ExportResult Export(in Batch<SdkMetric> batch)
    {
        var histogram = new Histogram { AggregationTemporality = Otlp.Metrics.AggregationTemporality.Cumulative };
        string? unit = null;
        foreach (var metric in batch)
        {
            if (metric.Name != OtlpReader.HttpServerDuration || metric.MetricType != MetricType.Histogram)
            {
                continue;
            }
            unit = metric.Unit;
            foreach (ref readonly var point in metric.GetMetricPoints())
            {
                histogram.DataPoints.Add(ToOtlp(point));
            }
        }
        if (histogram.DataPoints.Count == 0)
        {
            return ExportResult.Success;
        }
        var request = new Otlp.Collector.ExportMetricsServiceRequest();
        var resource = new Resource();
        resource.Attributes.Add(new KeyValue { Key = "service.name", Value = new AnyValue { StringValue = serviceName } });
        var scope = new ScopeMetrics();
        scope.Metrics.Add(new OtlpMetric { Name = OtlpReader.HttpServerDuration, Unit = unit ?? "s", Histogram = histogram });
        var resourceMetrics = new ResourceMetrics { Resource = resource };
        resourceMetrics.ScopeMetrics.Add(scope);
        request.ResourceMetrics.Add(resourceMetrics);
        try
        {
            // The reader calls this on its own thread, so waiting here blocks no request.
            var outcome = ingestion.ExportAsync(request, null, CancellationToken.None).GetAwaiter().GetResult();
            if (outcome.Rejected > 0 && !_warned)
            {
                _warned = true;
                logger.LogWarning("The portal's own metrics were refused ({Problems}); register the component '{Service}' in the catalog to measure its SLOs.",
                    string.Join(" ", outcome.Problems), serviceName);
            }
            return ExportResult.Success;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            logger.LogWarning(e, "The portal's own metrics could not be stored; the next export carries them (they are cumulative).");
            return ExportResult.Failure;
        }
    }

    private static HistogramDataPoint ToOtlp(in MetricPoint point)
    {
        var otlp = new HistogramDataPoint
        {
            StartTimeUnixNano = (ulong)OtlpReader.ToUnixNano(point.StartTime), TimeUnixNano = (ulong)OtlpReader.ToUnixNano(point.EndTime),
            Count = (ulong)point.GetHistogramCount(), Sum = point.GetHistogramSum(),
        };
        foreach (var bucket in point.GetHistogramBuckets())
        {
            otlp.BucketCounts.Add((ulong)bucket.BucketCount);
            if (!double.IsPositiveInfinity(bucket.ExplicitBound))
            {
                otlp.ExplicitBounds.Add(bucket.ExplicitBound);
            }
        }
        foreach (var tag in point.Tags)
        {
            var value = tag.Value switch
            {
                int i => new AnyValue { IntValue = i },
                long l => new AnyValue { IntValue = l },
                bool b => new AnyValue { BoolValue = b },
                double d => new AnyValue { DoubleValue = d },
                _ => new AnyValue { StringValue = Convert.ToString(tag.Value, System.Globalization.CultureInfo.InvariantCulture) ?? "" },
            };
            otlp.Attributes.Add(new KeyValue { Key = tag.Key, Value = value });
        }
        return otlp;
    }
}
