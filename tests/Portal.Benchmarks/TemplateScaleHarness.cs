using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Portal.TestSupport;
using Portal.Web.Features.Identity;
using Portal.Web.Features.Templates;

namespace Portal.Benchmarks;

/// <summary>
/// The scaffolder's two user-facing waits, against the real portal process (embedded PostgreSQL, Hangfire, real git):
/// <code>dotnet run -c Release --project tests/Portal.Benchmarks -- templates-scale [--runs 20]</code>
/// the dry-run (preview) of the built-in ASP.NET Core service template, and create-to-completed of the same template
/// with publish:git and catalog:register. Runs are sequential, as a person uses the form; medians and p95 are reported.
/// </summary>
public static class TemplateScaleHarness
{
    private const string Command = "dotnet run -c Release --project tests/Portal.Benchmarks -- templates-scale";

    public static async Task<int> RunAsync(string[] args)
    {
        var runs = args.Length >= 2 && args[0] == "--runs" ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20;
        var dir = TestCluster.NewDataDirectory("tpl-bench");
        var token = ApiTokenSecret.New();
        try
        {
            await using var portal = await PortalProcess.StartAsync(dir, new Dictionary<string, string?>
            {
                ["Portal__BootstrapAdminToken"] = token,
                ["Portal__Jobs__WorkerCount"] = null,
                ["Logging__LogLevel__Default"] = "Warning",
            });
            using var http = new HttpClient { BaseAddress = portal.BaseAddress, Timeout = TimeSpan.FromMinutes(5) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            object Values(int i) => new { name = $"bench-svc-{i:000}", owner = "group:default/payments", description = "Benchmark service" };

            // Warm-up: the first request of each kind pays for JIT and connection set-up.
            (await http.PostAsJsonAsync("/api/templates/default/aspnet-service/dry-run", new { values = Values(0) })).EnsureSuccessStatusCode();
            var dryRuns = new List<double>();
            var files = 0;
            for (var i = 1; i <= runs; i++)
            {
                var clock = Stopwatch.StartNew();
                var response = await http.PostAsJsonAsync("/api/templates/default/aspnet-service/dry-run", new { values = Values(i) });
                var result = (await response.Content.ReadFromJsonAsync<DryRunResult>(JsonSerializerOptions.Web))!;
                dryRuns.Add(clock.Elapsed.TotalMilliseconds);
                files = result.Files.Count;
            }

            var creates = new List<double>();
            var serverSide = new List<double>();
            for (var i = 1; i <= Math.Max(5, runs / 2); i++)
            {
                var clock = Stopwatch.StartNew();
                var created = await http.PostAsJsonAsync("/api/scaffolder/tasks", new { templateRef = "template:default/aspnet-service", values = Values(100 + i) });
                var id = (await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
                TaskView task;
                do
                {
                    await Task.Delay(25);
                    task = (await http.GetFromJsonAsync<TaskView>($"/api/scaffolder/tasks/{id}?after={long.MaxValue}", JsonSerializerOptions.Web))!;
                }
                while (!ScaffolderTaskStatus.IsFinished(task.Status));
                if (task.Status != ScaffolderTaskStatus.Completed)
                {
                    throw new InvalidOperationException($"Task {id} ended {task.Status}: {task.Error}");
                }
                creates.Add(clock.Elapsed.TotalMilliseconds);
                serverSide.Add((task.FinishedAt!.Value - task.CreatedAt).TotalMilliseconds);
            }

            Console.WriteLine($"# {Command} --runs {runs}");
            Console.WriteLine($"dry-run aspnet-service ({files} files), {dryRuns.Count} runs: median {Median(dryRuns):0.0} ms, p95 {P95(dryRuns):0.0} ms (goal <= 300 ms)");
            Console.WriteLine($"create-to-completed with publish:git + catalog:register, {creates.Count} runs: median {Median(creates):0} ms, p95 {P95(creates):0} ms " +
                $"(server: created-to-finished median {Median(serverSide):0} ms) (goal <= 5000 ms)");
            return 0;
        }
        finally
        {
            TestCluster.TryDelete(dir);
        }
    }

    private static double Median(List<double> values) => Portal.Web.Features.Environments.EnvironmentFigures.Percentile(values.Order().ToList(), 0.5);

    private static double P95(List<double> values) => Portal.Web.Features.Environments.EnvironmentFigures.Percentile(values.Order().ToList(), 0.95);
}
