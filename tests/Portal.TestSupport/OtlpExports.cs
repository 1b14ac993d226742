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
}
