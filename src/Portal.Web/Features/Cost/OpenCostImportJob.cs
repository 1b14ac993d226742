using System.Globalization;
using System.Text;
using System.Text.Json;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Web.Data;
using Portal.Web.Features.Environments;
using Portal.Web.Features.Identity;

namespace Portal.Web.Features.Cost;

/// <summary>One namespace's cost for one step, as OpenCost reports it, with the namespace's labels.</summary>
public sealed record OpenCostAllocation(string Namespace, DateTime Start, DateTime End, decimal TotalCost, IReadOnlyDictionary<string, string> Labels);

/// <summary>
/// The recurring job <c>cost-opencost</c>: pulls <c>/allocation/compute?aggregate=namespace&amp;step=1d</c>
/// from OpenCost, maps namespaces to the portal's environments (a namespace is an environment's
/// name; its team, component and environment come from there; other namespaces are attributed by their
/// labels through the allocation rules), and imports the allocations as FOCUS
/// rows through the same importer as billing files, one billing period per cluster and day.
/// </summary>
public sealed class OpenCostImportJob(IDbContextFactory<PortalDbContext> dbFactory, IHttpClientFactory http, IOptions<OpenCostOptions> options,
    IOptions<CostAttributionOptions> attribution, TimeProvider time)
{
    public const string RecurringId = "cost-opencost";
    public const string HttpClientName = "opencost";

    [DisableConcurrentExecution(3600)]
    public async Task<CostImport?> RunAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (string.IsNullOrWhiteSpace(settings.Url))
        {
            return null;
        }
        var url = $"{settings.Url.TrimEnd('/')}/allocation/compute?window={settings.Days}d&aggregate=namespace&step=1d&accumulate=false";
        using var response = await http.CreateClient(HttpClientName).GetAsync(new Uri(url), cancellationToken);
        response.EnsureSuccessStatusCode();
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var allocations = Parse(await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken));

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var names = allocations.Select(a => a.Namespace).Distinct().ToList();
        var environments = await EnvironmentReads.ByNamesAsync(db, names, cancellationToken);
        using var csv = new StringWriter();
        FocusCsvWriter.WriteHeader(csv);
        foreach (var a in allocations)
        {
            var environment = environments.FirstOrDefault(e => e.Name == a.Namespace);
            // Namespace labels are tags: the allocation rules (team, service, env, ...) read them as they read cloud tags.
            var tags = new Dictionary<string, string>(a.Labels, StringComparer.Ordinal) { ["namespace"] = a.Namespace };
            if (environment is not null)
            {
                tags["team"] = PolicyName(environment.Team);
                tags["service"] = PolicyName(environment.Component);
                tags["env"] = environment.Name;
            }
            var day = a.Start.Date;
            var row = FocusCsvWriter.Usage(a.Start, a.TotalCost, "Kubernetes (OpenCost)", "Kubernetes", "Compute", settings.Cluster, $"namespace/{a.Namespace}",
                tags, $"opencost:{settings.Cluster}") with
            {
                BillingPeriodStart = DateTime.SpecifyKind(day, DateTimeKind.Utc), BillingPeriodEnd = DateTime.SpecifyKind(day.AddDays(1), DateTimeKind.Utc),
                ChargePeriodEnd = a.End,
            };
            FocusCsvWriter.WriteRow(csv, row);
        }
        await using var stream = new MemoryStream(Encoding.UTF8.GetBytes(csv.ToString()));
        return await CostImporter.ImportAsync(db, stream, $"opencost-{settings.Cluster}-{time.GetUtcNow():yyyyMMddHHmm}.csv",
            new AuditActor("system", "cost-opencost", null), attribution.Value, time, cancellationToken);
    }

    /// <summary>Reads OpenCost's <c>{code, data: [{name: {start, end, totalCost, ...}}]}</c>; idle and unallocated buckets are kept (they are cost too).</summary>
    public static IReadOnlyList<OpenCostAllocation> Parse(JsonDocument document)
    {
        var result = new List<OpenCostAllocation>();
        if (!document.RootElement.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidOperationException("The OpenCost response has no data array.");
        }
        foreach (var set in data.EnumerateArray().Where(s => s.ValueKind == JsonValueKind.Object))
        {
            foreach (var allocation in set.EnumerateObject())
            {
                var value = allocation.Value;
                var start = FocusCsvReader.Timestamp("start", value.GetProperty("start").GetString()!);
                var end = FocusCsvReader.Timestamp("end", value.GetProperty("end").GetString()!);
                var total = decimal.Parse(value.GetProperty("totalCost").GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture);
                var labels = new Dictionary<string, string>(StringComparer.Ordinal);
                if (value.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object)
                {
                    foreach (var field in (string[])["namespaceLabels", "labels"])
                    {
                        if (properties.TryGetProperty(field, out var map) && map.ValueKind == JsonValueKind.Object)
                        {
                            foreach (var label in map.EnumerateObject().Where(l => l.Value.ValueKind == JsonValueKind.String))
                            {
                                labels.TryAdd(label.Name, label.Value.GetString()!);
                            }
                        }
                    }
                }
                result.Add(new OpenCostAllocation(allocation.Name, start, end, decimal.Round(total, 6), labels));
            }
        }
        return result;
    }

    private static string PolicyName(string reference) => reference[(reference.LastIndexOf('/') + 1)..];
}
