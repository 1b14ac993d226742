using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Portal.IntegrationTests.Delivery;
using Portal.IntegrationTests.Foundation;
using Portal.IntegrationTests.Templates;
using Portal.TestSupport;
using Portal.Web.Features.Identity;
using Portal.Web.Features.Slo;
using Portal.Web.Features.Templates;

namespace Portal.IntegrationTests.Slo;

/// <summary>
/// The golden path end to end with real processes: the portal scaffolds a service from the built-in template, the
/// generated service is built and run, its own OpenTelemetry sends http.server.request.duration to the portal, and
/// the default SLOs the portal offers show the requests the test made.
/// </summary>
[Collection(PortalProcessCollection.Name)]
public sealed class GoldenPathTests
{
    [Fact]
    public async Task A_service_generated_from_the_template_sends_its_telemetry_and_its_default_slos_show_data()
    {
        var dir = TestCluster.NewDataDirectory("portal");
        var token = ApiTokenSecret.New();
        string? clone = null;
        Process? service = null;
        try
        {
            await using var portal = await PortalProcess.StartAsync(dir, new Dictionary<string, string?> { ["Portal__BootstrapAdminToken"] = token });
            using var client = new HttpClient { BaseAddress = portal.BaseAddress };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            var id = await TemplateKit.CreateTaskAsync(client, "template:default/aspnet-service",
                new { name = "golden-api", owner = "group:default/payments", otlpEndpoint = portal.BaseAddress.ToString().TrimEnd('/') });
            var task = await TemplateKit.WaitForAsync(client, id, ScaffolderTaskStatus.Completed);
            clone = await TemplateKit.CloneAsync(task.Output!["links"]![0]!["url"]!.GetValue<string>());
            await TheGeneratedWorkflowReportsItsBuildAndDeploymentAsync(client, clone);
            var build = await Dotnet.RunAsync(clone, "build", "src/Service");
            Assert.True(build.ExitCode == 0, build.Output);

            // The service as deployed: its token from the environment, metrics every second instead of every minute.
            var port = PortalProcess.FreePort();
            // Run from its output folder, as its container does: appsettings.json (with the portal's address) is read from there.
            var output = Path.Combine(clone, "src", "Service", "bin", "Debug", "net10.0");
            var start = new ProcessStartInfo("dotnet") { WorkingDirectory = output, RedirectStandardOutput = true, RedirectStandardError = true };
            start.ArgumentList.Add("golden-api.dll");
            Dotnet.Clean(start);
            start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
            start.Environment["PORTAL_INGEST_TOKEN"] = token;
            start.Environment["OTEL_METRIC_EXPORT_INTERVAL"] = "1000";
            service = Process.Start(start)!;
            var serviceOutput = new System.Text.StringBuilder();
            service.OutputDataReceived += (_, e) => { lock (serviceOutput) { serviceOutput.AppendLine(e.Data); } };
            service.ErrorDataReceived += (_, e) => { lock (serviceOutput) { serviceOutput.AppendLine(e.Data); } };
            service.BeginOutputReadLine();
            service.BeginErrorReadLine();
            using var app = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            await Wait.UntilAsync(async () =>
            {
                try
                {
                    return (await app.GetAsync("/health/live")).IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            }, TimeSpan.FromSeconds(60), "the generated service to start");
            for (var i = 0; i < 25; i++)
            {
                (await app.GetAsync("/")).EnsureSuccessStatusCode();
            }
            Assert.Equal(System.Net.HttpStatusCode.NotFound, (await app.GetAsync("/no-such-page")).StatusCode);

            (await client.PostAsync("/api/slos/defaults?component=golden-api", null)).EnsureSuccessStatusCode();
            List<SloView>? slos = null;
            try
            {
                await Wait.UntilAsync(async () =>
                {
                    slos = await client.GetFromJsonAsync<List<SloView>>("/api/slos?service=golden-api", JsonSerializerOptions.Web);
                    return slos!.Count == 2 && slos.All(s => s.TotalEvents >= 26);
                }, TimeSpan.FromSeconds(60), "the service's requests to reach its SLOs");
            }
            catch (TimeoutException ex)
            {
                throw new TimeoutException($"{ex.Message}\nSLOs: {JsonSerializer.Serialize(slos)}\nCoverage: {await client.GetStringAsync("/api/slo/coverage")}\nService:\n{serviceOutput}", ex);
            }

            // 25 good requests and one 404 (not a server error), plus the health probes the test made while waiting.
            var availability = slos!.Single(s => s.Indicator == SliKinds.Availability);
            Assert.Equal(availability.TotalEvents, availability.GoodEvents);
            Assert.Equal(1m, availability.Sli);
            var latency = slos!.Single(s => s.Indicator == SliKinds.Latency);
            Assert.False(latency.Estimated); // 0.3 s is a bucket bound of the generated service's histogram
        }
        finally
        {
            if (service is { HasExited: false })
            {
                service.Kill(entireProcessTree: true);
            }
            service?.Dispose();
            if (clone is not null)
            {
                Directory.Delete(clone, recursive: true);
            }
            TestCluster.TryDelete(dir);
        }
    }

    /// <summary>
    /// The generated repository's own CI workflow: its build job's report step and its deploy job's gate and report steps, run
    /// as the runner runs them (<see cref="WorkflowSteps"/>) against this real portal with a token limited to the new service.
    /// The portal stores both events (201) and serves them back with the repository's first commit and its time.
    /// </summary>
    private static async Task TheGeneratedWorkflowReportsItsBuildAndDeploymentAsync(HttpClient admin, string clone)
    {
        var workflowFile = Path.Combine(clone, ".github", "workflows", "ci.yml");
        Assert.True(File.Exists(workflowFile), "The generated repository has no CI workflow.");
        var workflow = WorkflowSteps.Load(workflowFile);
        var created = await admin.PostAsJsonAsync("/api/identity/tokens",
            new CreateTokenRequest("golden-api-ci", ApiTokenKind.Service, [PortalScopes.DeliveryWrite], ["golden-api"], null));
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        var token = (await created.Content.ReadFromJsonAsync<CreatedToken>())!.Token;
        var head = (await Portal.Web.Infrastructure.Git.GitCli.RunAsync(clone, CancellationToken.None, "log", "-1", "--format=%H %cI")).Trim().Split(' ');
        var workDir = Directory.CreateTempSubdirectory("golden-workflow-").FullName;
        try
        {
            using var relay = new WorkflowRelay(admin);
            var runUrl = "https://github.com/northwind/golden-api/actions/runs/4242";
            var values = new Dictionary<string, string>
            {
                ["PORTAL_URL"] = relay.Url.TrimEnd('/'), ["PORTAL_COMPONENT"] = "golden-api", ["DEPLOY_ENVIRONMENT"] = "prod", ["GITHUB_SHA"] = head[0],
                ["GITHUB_ENV"] = Path.Combine(workDir, "github-env"), ["PORTAL_TOKEN"] = token, ["JOB_STATUS"] = "success", ["RUN_ID"] = "4242",
                ["PIPELINE"] = "CI", ["COMMIT_SHA"] = head[0], ["BRANCH"] = "main", ["RUN_URL"] = runUrl, ["CHANGE"] = "feature", ["DEPLOYED_BY"] = "dana-kim",
                ["STARTED_AT"] = DateTimeOffset.UtcNow.AddMinutes(-3).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
                // What GitHub puts into github.event.commits for the push of the generated repository's first commit.
                ["COMMITS"] = JsonSerializer.Serialize(new[] { new { id = head[0], timestamp = head[1], message = "Initial commit" } }),
                ["PATH"] = Environment.GetEnvironmentVariable("PATH")!,
            };
            foreach (var (job, step) in new[] { ("build", "Report the build to the portal"), ("deploy", "Ask the portal's error-budget gate"), ("deploy", "Report the deployment to the portal") })
            {
                var run = await WorkflowSteps.RunAsync(WorkflowSteps.Step(workflow, job, step), values, workDir);
                Assert.True(run.ExitCode == 0, $"{job} / {step}:\n{run.Output}");
            }
            Assert.Equal([("POST", "/api/delivery/builds", 201), ("GET", "/api/delivery/gate", 200), ("POST", "/api/delivery/deployments", 201)], relay.Calls);
        }
        finally
        {
            Directory.Delete(workDir, recursive: true);
        }
        var build = Assert.Single(await DeliveryKit.BuildsAsync(admin, "golden-api"));
        Assert.Equal(("4242", head[0], "succeeded"), (build.RunId, build.CommitSha, build.Status));
        var deployment = Assert.Single(await DeliveryKit.DeploymentsAsync(admin, "golden-api"));
        Assert.Equal(("prod", head[0], "succeeded"), (deployment.Environment, deployment.CommitSha, deployment.Status));
        var commit = Assert.Single(deployment.Commits);
        Assert.Equal((head[0], DateTimeOffset.Parse(head[1], System.Globalization.CultureInfo.InvariantCulture)), (commit.Sha, commit.CommittedAt!.Value));
    }
}

/// <summary>The real dotnet CLI, run outside this test run's MSBuild environment.</summary>
public static class Dotnet
{
    public static void Clean(ProcessStartInfo start)
    {
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)
            || k.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase) || k.StartsWith("TESTINGPLATFORM", StringComparison.OrdinalIgnoreCase)
            || k.StartsWith("OTEL_", StringComparison.OrdinalIgnoreCase) || k == "ASPNETCORE_ENVIRONMENT").ToList())
        {
            start.Environment.Remove(key);
        }
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
    }

    public static async Task<(int ExitCode, string Output)> RunAsync(string directory, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        start.ArgumentList.Add("--disable-build-servers");
        Clean(start);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await error);
    }
}
