using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Portal.TestSupport;
using Portal.Web.Features.Environments;
using Portal.Web.Features.Identity;
using Portal.Web.Infrastructure.Git;

namespace Portal.Benchmarks;

/// <summary>
/// Many environment requests at once against the real portal process (embedded PostgreSQL, Hangfire,
/// the GitOps driver and real git):
/// <code>dotnet run -c Release --project tests/Portal.Benchmarks -- environments-scale [--requests 100]</code>
/// All requests are sent concurrently; the harness waits until every environment is Ready and reports
/// request-to-Ready percentiles from the portal's own transition timestamps (what the Environments page
/// shows as time to ready), and checks the GitOps repository got exactly one commit per environment.
/// </summary>
public static class EnvironmentScaleHarness
{
    private const string Command = "dotnet run -c Release --project tests/Portal.Benchmarks -- environments-scale";

    public static async Task<int> RunAsync(string[] args)
    {
        var requests = args.Length >= 2 && args[0] == "--requests" ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100;
        var dir = TestCluster.NewDataDirectory("env-bench");
        var token = ApiTokenSecret.New();
        try
        {
            Console.Error.WriteLine($"Starting the portal in {dir} ...");
            await using var portal = await PortalProcess.StartAsync(dir, new Dictionary<string, string?>
            {
                ["Portal__BootstrapAdminToken"] = token,
                ["Portal__Jobs__WorkerCount"] = null, // the default, as installed
                ["Logging__LogLevel__Default"] = "Warning",
            });
            using var http = new HttpClient { BaseAddress = portal.BaseAddress, Timeout = TimeSpan.FromMinutes(5) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

            // Room for the load: the default quotas allow 8 environments per team.
            var policy = (await http.GetFromJsonAsync<PolicyDocument>("/api/environments/policy"))!;
            var roomy = policy.Yaml.Replace("default: { maxEnvironments: 8, cpu: 16, memoryGi: 48 }",
                "default: { maxEnvironments: 1000, cpu: 10000, memoryGi: 40000 }", StringComparison.Ordinal)
                .Replace("platform: { maxEnvironments: 20, cpu: 64, memoryGi: 256 }", "platform: { maxEnvironments: 1000, cpu: 10000, memoryGi: 40000 }", StringComparison.Ordinal);
            (await http.PutAsJsonAsync("/api/environments/policy", new SavePolicyRequest(roomy, "benchmark quotas"))).EnsureSuccessStatusCode();
            var components = (await http.GetFromJsonAsync<JsonElement>("/api/catalog/entities/by-query?filter=kind=component&limit=100"))
                .GetProperty("items").EnumerateArray().Select(e => e.GetProperty("metadata").GetProperty("name").GetString()!).ToList();

            Console.Error.WriteLine($"Sending {requests} dev requests at once over {components.Count} components ...");
            var clock = Stopwatch.StartNew();
            var created = await Task.WhenAll(Enumerable.Range(1, requests).Select(async i =>
            {
                var response = await http.PostAsJsonAsync("/api/environments",
                    new EnvironmentRequest($"bench-{i:000}", components[i % components.Count], "dev", "small"));
                var body = await response.Content.ReadAsStringAsync();
                return response.IsSuccessStatusCode
                    ? JsonSerializer.Deserialize<EnvironmentSummary>(body, JsonSerializerOptions.Web)!.Id
                    : throw new InvalidOperationException($"bench-{i:000}: {(int)response.StatusCode} {body}");
            }));
            var accepted = clock.Elapsed;

            var pending = created.ToHashSet();
            while (pending.Count > 0 && clock.Elapsed < TimeSpan.FromMinutes(10))
            {
                var ready = (await http.GetFromJsonAsync<List<EnvironmentSummary>>("/api/environments?status=Ready"))!.Select(e => e.Id);
                pending.ExceptWith(ready);
                var failed = (await http.GetFromJsonAsync<List<EnvironmentSummary>>("/api/environments?status=Failed"))!;
                if (failed.Count > 0)
                {
                    throw new InvalidOperationException($"{failed.Count} environments failed, e.g. {failed[0].Name}");
                }
                await Task.Delay(200);
            }
            var allReady = clock.Elapsed;
            var rows = (await http.GetFromJsonAsync<List<EnvironmentSummary>>("/api/environments?status=Ready"))!
                .Where(e => created.Contains(e.Id)).ToList();
            var seconds = rows.Select(e => (e.ReadyAt!.Value - e.RequestedAt).TotalSeconds).Order().ToList();
            var repository = Path.Combine(dir, "environments", "gitops.git");
            var commits = int.Parse((await GitCli.RunAsync(repository, CancellationToken.None, "rev-list", "--count", "main")).Trim(), CultureInfo.InvariantCulture);

            var report = new StringBuilder();
            report.AppendLine(CultureInfo.InvariantCulture, $"Command: `{Command} --requests {requests}`  ");
            report.AppendLine(CultureInfo.InvariantCulture, $"Machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}; Hangfire workers: default  ");
            report.AppendLine();
            report.AppendLine("| Requests | Ready | Accepted all (s) | All Ready (s) | p50 request→Ready (s) | p95 (s) | max (s) | GitOps commits |");
            report.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|");
            report.AppendLine(CultureInfo.InvariantCulture,
                $"| {requests} | {rows.Count} | {accepted.TotalSeconds:0.0} | {allReady.TotalSeconds:0.0} | {EnvironmentFigures.Percentile(seconds, 0.50):0.00} | {EnvironmentFigures.Percentile(seconds, 0.95):0.00} | {seconds[^1]:0.00} | {commits - 1} (+1 initial) |");
            Console.WriteLine(report);
            Directory.CreateDirectory("BenchmarkDotNet.Artifacts");
            await File.WriteAllTextAsync(Path.Combine("BenchmarkDotNet.Artifacts", "environments-scale.md"), report.ToString());
            return rows.Count == requests && commits - 1 == requests ? 0 : 1;
        }
        finally
        {
            TestCluster.TryDelete(dir);
        }
    }
}
