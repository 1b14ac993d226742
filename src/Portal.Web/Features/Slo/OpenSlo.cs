using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Portal.Web.Features.Catalog;
using Portal.Web.Features.Slo.Ingestion;
using Portal.Web.Infrastructure.Hosting;
using Portal.Web.Infrastructure.Json;

namespace Portal.Web.Features.Slo;

/// <summary>One document of an OpenSLO import: the SLO it describes, or why it was not taken.</summary>
public sealed record OpenSloDocument(int Index, string Kind, string? Name, SloRequest? Slo, IReadOnlyList<string> Errors, IReadOnlyList<string> Notes);

/// <summary>
/// OpenSLO v1 to and from the portal's SLOs. For OTLP data an SLI's <c>metricSource</c> is
/// <c>{type: otlp, spec: {metric: http.server.request.duration, service: NAME, filter: 'http.response.status_code >= 500'}}</c>
/// (availability; <c>le: SECONDS</c> on good events for latency), or, for a ratio of any counter or histogram,
/// <c>{type: otlp, spec: {metric: NAME, service: NAME, attributes: {NAME: VALUE}}}</c> on good (or bad) and total.
/// for the bad events of an availability SLO, and <c>{..., le: 0.3}</c> for the good events of a latency SLO (seconds);
/// <c>total</c> names the metric and service without a filter. See docs/slos.md.
/// </summary>
public static partial class OpenSlo
{
    public const string ApiVersion = "openslo/v1";
    public const string ServerErrorFilter = "http.response.status_code >= 500";
    private static readonly string[] KnownKinds = ["SLO", "SLI", "Service", "AlertPolicy", "AlertCondition", "AlertNotificationTarget", "DataSource"];

    /// <summary>Reads every document; SLOs become requests (their SLI inline or by indicatorRef), other kinds are noted.</summary>
    public static IReadOnlyList<OpenSloDocument> Read(string yaml, string? defaultService = null)
    {
        var parsed = DescriptorYaml.Parse(yaml);
        var results = new List<OpenSloDocument>();
        var slis = parsed.Select(d => d.Entity).OfType<JsonObject>()
            .Where(e => e["kind"]?.ToString() == "SLI" && e["metadata"]?["name"] is not null && StorableText.FindIn(e) is null)
            .ToDictionary(e => e["metadata"]!["name"]!.ToString(), e => e, StringComparer.Ordinal);
        foreach (var document in parsed)
        {
            if (document.Entity is not { } entity)
            {
                results.Add(new OpenSloDocument(document.Index, "?", null, null, [$"Document {document.Index}: {document.Error}"], []));
                continue;
            }
            var kind = entity["kind"]?.ToString() ?? "";
            var name = entity["metadata"]?["name"]?.ToString();
            if (StorableText.FindIn(entity) is { } unstorable)
            {
                // PostgreSQL cannot store it (a NUL, say): this document is refused, the others still import.
                results.Add(new OpenSloDocument(document.Index, StorableText.Clean(kind), name is null ? null : StorableText.Clean(name), null, [unstorable], []));
            }
            else if (entity["apiVersion"]?.ToString() != ApiVersion)
            {
                results.Add(new OpenSloDocument(document.Index, kind, name, null, [$"apiVersion must be {ApiVersion}."], []));
            }
            else if (kind == "SLO")
            {
                results.Add(ReadSlo(document.Index, entity, slis, defaultService));
            }
            else if (KnownKinds.Contains(kind, StringComparer.Ordinal))
            {
                var note = kind switch
                {
                    "SLI" => "Used by the SLOs that refer to it.",
                    "Service" => "Services are the catalog's components; nothing to import.",
                    _ => "Alerting uses the portal's multi-window, multi-burn-rate policy; this document is not imported.",
                };
                results.Add(new OpenSloDocument(document.Index, kind, name, null, [], [note]));
            }
            else
            {
                results.Add(new OpenSloDocument(document.Index, kind, name, null, [$"Unknown OpenSLO kind '{kind}'."], []));
            }
        }
        return results;
    }

    private static OpenSloDocument ReadSlo(int index, JsonObject slo, Dictionary<string, JsonObject> slis, string? defaultService)
    {
        var errors = new List<string>();
        var notes = new List<string>();
        var name = slo["metadata"]?["name"]?.ToString();
        var spec = slo["spec"] as JsonObject ?? [];
        var indicator = spec["indicator"] as JsonObject;
        if (indicator is null && spec["indicatorRef"]?.ToString() is { } reference)
        {
            indicator = slis.GetValueOrDefault(reference);
            if (indicator is null)
            {
                errors.Add($"indicatorRef '{reference}' names no SLI in this file.");
            }
        }
        var ratio = (indicator?["spec"] as JsonObject)?["ratioMetric"] as JsonObject;
        string? kind = null;
        decimal? threshold = null;
        string? metricService = null;
        RatioIndicator? ratioIndicator = null;
        if (ratio is null)
        {
            if (indicator is not null)
            {
                errors.Add("Only ratioMetric SLIs are supported (thresholdMetric is not).");
            }
        }
        else
        {
            var bad = Source(ratio["bad"]);
            var good = Source(ratio["good"]);
            var total = Source(ratio["total"]);
            foreach (var source in new[] { bad, good, total }.OfType<JsonObject>())
            {
                if (source["type"]?.ToString() != "otlp")
                {
                    errors.Add($"metricSource type '{source["type"]}' is not supported; the portal computes SLOs from its own OTLP data (type: otlp).");
                }
                else if (string.IsNullOrWhiteSpace(Spec(source)?["metric"]?.ToString()))
                {
                    errors.Add("Each metricSource of type otlp names its metric in spec.metric.");
                }
                metricService ??= Spec(source)?["service"]?.ToString();
            }
            var events = good ?? bad;
            // The HTTP metric with a server-error filter or a latency bound is availability or latency; anything else is a ratio.
            var http = Spec(events)?["metric"]?.ToString() == OtlpReader.HttpServerDuration && Spec(events)?["attributes"] is null
                && (Spec(bad)?["filter"] is not null || Spec(good)?["le"] is not null);
            if (!http && events is not null && total is not null)
            {
                // Any counter or histogram, selected by attributes: a ratio SLI.
                kind = SliKinds.Ratio;
                ratioIndicator = new RatioIndicator(good is not null ? "good" : "bad", Selector(events), Selector(total));
            }
            else if (Spec(bad)?["filter"]?.ToString() is { } filter)
            {
                kind = Normalise(filter) == Normalise(ServerErrorFilter) ? SliKinds.Availability : null;
                if (kind is null)
                {
                    errors.Add($"The bad-events filter '{filter}' is not supported; use '{ServerErrorFilter}'.");
                }
            }
            else if (JsonNumbers.AsDecimalOrText(Spec(good)?["le"]) is { } seconds)
            {
                kind = SliKinds.Latency;
                threshold = seconds;
            }
            else if (errors.Count == 0)
            {
                errors.Add("The SLI needs bad events with a filter (availability) or good events with le (latency, seconds).");
            }
        }
        var window = spec["timeWindow"] is JsonArray { Count: > 0 } windows ? windows[0] as JsonObject : null;
        SloWindowRequest? windowRequest = null;
        if (window?["duration"]?.ToString() is { } duration)
        {
            var rolling = window["isRolling"] is JsonValue r && r.GetValueKind() == JsonValueKind.True;
            var match = DurationPattern().Match(duration);
            if (rolling && match.Success && match.Groups[2].Value == "d")
            {
                windowRequest = new SloWindowRequest("rolling", int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), null);
            }
            else if (!rolling && duration == "1M")
            {
                windowRequest = new SloWindowRequest("calendar", null, window["calendar"]?["timeZone"]?.ToString() ?? "UTC");
            }
            else
            {
                errors.Add($"timeWindow {duration} ({(rolling ? "rolling" : "calendar")}) is not supported: use a rolling 7d, 28d or 30d, or a calendar 1M.");
            }
        }
        var objective = spec["objectives"] is JsonArray { Count: > 0 } objectives ? objectives[0] as JsonObject : null;
        if (spec["objectives"] is JsonArray { Count: > 1 })
        {
            notes.Add("Only the first objective is imported.");
        }
        var target = JsonNumbers.AsDecimalOrText(objective?["target"]) ?? JsonNumbers.AsDecimalOrText(objective?["targetPercent"]) / 100;
        var sliceTarget = JsonNumbers.AsDecimalOrText(objective?["timeSliceTarget"]);
        var service = spec["service"]?.ToString() ?? metricService ?? defaultService;
        string? componentRef = null;
        try
        {
            componentRef = service is null ? null : EntityRef.Parse(service, "component").ToString();
        }
        catch (FormatException ex)
        {
            errors.Add($"service '{service}': {ex.Message}");
        }
        var request = new SloRequest(name, slo["metadata"]?["displayName"]?.ToString(), componentRef,
            kind, threshold, target, windowRequest, spec["budgetingMethod"]?.ToString(), sliceTarget, null, ratioIndicator);
        errors.AddRange(SloValidation.Validate(request).SelectMany(e => e.Value.Select(v => $"{e.Key}: {v}")));
        return new OpenSloDocument(index, "SLO", name, errors.Count == 0 ? request : null, errors.Distinct().ToList(), notes);
    }

    /// <summary>good/bad/total's metricSource; null when the YAML has something else there (a string, a list).</summary>
    private static JsonObject? Source(JsonNode? node) => (node as JsonObject)?["metricSource"] as JsonObject;

    private static JsonObject? Spec(JsonObject? source) => source?["spec"] as JsonObject;

    /// <summary>An otlp metricSource's spec as a selector: spec.metric and spec.attributes (name: value, "*" for any).</summary>
    private static MetricSelector Selector(JsonObject source) => new(Spec(source)?["metric"]?.ToString() ?? "",
        Spec(source)?["attributes"] is JsonObject attributes ? attributes.ToDictionary(a => a.Key, a => a.Value?.ToString() ?? "", StringComparer.Ordinal) : null);

    private static string Normalise(string filter) => WhiteSpace().Replace(filter, "");

    /// <summary>One SLO as an OpenSLO v1 document, its SLI inline; importing it gives the same SLO back.</summary>
    public static string Write(SloDefinition slo)
    {
        var service = EntityRef.Parse(slo.ComponentRef, "component");
        var serviceName = service.Namespace == EntityRef.DefaultNamespace ? service.Name : $"{service.Namespace}/{service.Name}";
        JsonObject Metric(string? filter = null, decimal? le = null, MetricSelector? selector = null)
        {
            var spec = new JsonObject { ["metric"] = selector?.Metric ?? OtlpReader.HttpServerDuration, ["service"] = serviceName };
            if (selector?.Attributes is { Count: > 0 } attributes)
            {
                spec["attributes"] = new JsonObject(attributes.Select(a => KeyValuePair.Create(a.Key, (JsonNode?)JsonValue.Create(a.Value))));
            }
            if (filter is not null)
            {
                spec["filter"] = filter;
            }
            if (le is not null)
            {
                spec["le"] = le;
            }
            return new JsonObject { ["metricSource"] = new JsonObject { ["type"] = "otlp", ["spec"] = spec } };
        }
        var ratio = new JsonObject { ["counter"] = true };
        if (slo.Ratio is { } own)
        {
            ratio[own.Counts] = Metric(selector: own.Events);
            ratio["total"] = Metric(selector: own.Total);
        }
        else
        {
            if (slo.Indicator == SliKinds.Latency)
            {
                ratio["good"] = Metric(le: slo.ThresholdSeconds);
            }
            else
            {
                ratio["bad"] = Metric(filter: ServerErrorFilter);
            }
            ratio["total"] = Metric();
        }
        var window = slo.WindowKind == "calendar"
            ? new JsonObject { ["duration"] = "1M", ["isRolling"] = false, ["calendar"] = new JsonObject { ["startTime"] = "2020-01-01 00:00:00", ["timeZone"] = slo.TimeZone } }
            : new JsonObject { ["duration"] = $"{slo.WindowDays}d", ["isRolling"] = true };
        var objective = new JsonObject { ["target"] = slo.Target };
        if (slo.BudgetingMethod == "Timeslices")
        {
            objective["timeSliceTarget"] = slo.TimesliceTarget;
            objective["timeSliceWindow"] = "1m";
        }
        var metadata = new JsonObject { ["name"] = slo.Name };
        if (slo.DisplayName is not null)
        {
            metadata["displayName"] = slo.DisplayName;
        }
        var document = new JsonObject
        {
            ["apiVersion"] = ApiVersion,
            ["kind"] = "SLO",
            ["metadata"] = metadata,
            ["spec"] = new JsonObject
            {
                ["service"] = serviceName,
                ["indicator"] = new JsonObject { ["metadata"] = new JsonObject { ["name"] = slo.Name + "-sli" }, ["spec"] = new JsonObject { ["ratioMetric"] = ratio } },
                ["timeWindow"] = new JsonArray(window),
                ["budgetingMethod"] = slo.BudgetingMethod,
                ["objectives"] = new JsonArray(objective),
            },
        };
        return DescriptorYaml.ToYaml(document);
    }

    [GeneratedRegex("^([0-9]+)([mhdwMQY])$")]
    private static partial Regex DurationPattern();

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhiteSpace();
}
