using Portal.TestSupport;
using Portal.Web.Features.Identity;
using YamlDotNet.RepresentationModel;

namespace Portal.IntegrationTests.Delivery;

/// <summary>
/// The built-in service templates' CI workflow (aspnet-service and dotnet-worker) (copied into every generated repository unchanged) run the way
/// GitHub Actions runs its steps: each script in bash with -eo pipefail and only the env the step declares, with real
/// jq and curl talking to the portal's API through a loopback relay. GitHub itself cannot run here; the values a
/// runner would put into the env come from the test, and the push's commits from GitHub's own example payload.
/// </summary>
public sealed class TemplateWorkflowTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>
{
    private const string Sha = "6113728f27ae82c7b1a177c8d03f9e96e0adf246";

    private static YamlMappingNode Workflow(string template) => WorkflowSteps.Load(Path.Combine(PortalProcess.RepositoryRoot(), "src", "Portal.Web", "Features", "Templates",
        "BuiltIn", template, "skeleton", ".github", "workflows", "ci.yml"));

    private static YamlMappingNode Step(YamlMappingNode workflow, string job, string name) => WorkflowSteps.Step(workflow, job, name);

    private static Task<(int ExitCode, string Output)> RunAsync(YamlMappingNode step, Dictionary<string, string> values, string workDir) =>
        WorkflowSteps.RunAsync(step, values, workDir);

    // Each template reports for its own component (the fixture's database is shared by both cases); neither has SLOs or
    // demo delivery events, so the gate allows and the stored events are the workflow's alone.
    [Theory]
    [InlineData("aspnet-service", "order-service")]
    [InlineData("dotnet-worker", "payout-scheduler")]
    public async Task The_generated_services_workflow_reports_its_build_asks_the_gate_and_reports_its_deployment_in_the_apis_schema(string template, string component)
    {
        await factory.SeedDemoAsync();
        var token = await DeliveryKit.ServiceTokenAsync(factory, $"{component}-ci", [PortalScopes.DeliveryWrite], [component]);
        using var portal = factory.CreateClient();
        using var relay = new WorkflowRelay(portal);
        var workDir = Directory.CreateTempSubdirectory("workflow-").FullName;
        try
        {
            var workflow = Workflow(template);
            var githubEnv = Path.Combine(workDir, "github-env");
            var values = new Dictionary<string, string>
            {
                // The workflow's env, and what the runner puts into each step's.
                ["PORTAL_URL"] = relay.Url.TrimEnd('/'), ["PORTAL_COMPONENT"] = component, ["DEPLOY_ENVIRONMENT"] = "prod",
                ["GITHUB_ENV"] = githubEnv, ["GITHUB_SHA"] = Sha, ["PORTAL_TOKEN"] = token, ["JOB_STATUS"] = "success", ["RUN_ID"] = "8812345678",
                ["PIPELINE"] = "CI", ["COMMIT_SHA"] = Sha, ["BRANCH"] = "main", ["RUN_URL"] = $"https://github.com/northwind/{component}/actions/runs/8812345678",
                ["CHANGE"] = "feature", ["DEPLOYED_BY"] = "dana-kim", ["PATH"] = Environment.GetEnvironmentVariable("PATH")!,
            };
            using (var push = System.Text.Json.JsonDocument.Parse(await File.ReadAllBytesAsync(Path.Combine(AppContext.BaseDirectory, "Delivery", "TestData", "github-push-with-new-branch.json"))))
            {
                values["COMMITS"] = push.RootElement.GetProperty("commits").GetRawText();
            }

            // Build job: the first step notes the start in GITHUB_ENV, the runner hands it to the later steps.
            Assert.Equal(0, (await RunAsync(Step(workflow, "build", "Note the start"), values, workDir)).ExitCode);
            values["STARTED_AT"] = (await File.ReadAllLinesAsync(githubEnv)).Single(l => l.StartsWith("STARTED_AT=", StringComparison.Ordinal))["STARTED_AT=".Length..];
            var build = await RunAsync(Step(workflow, "build", "Report the build to the portal"), values, workDir);
            Assert.True(build.ExitCode == 0, build.Output);
            using var admin = factory.AdminClient();
            var stored = Assert.Single(await DeliveryKit.BuildsAsync(admin, component));
            Assert.Equal(("8812345678", "CI", Sha, "main", "succeeded"), (stored.RunId, stored.Pipeline, stored.CommitSha, stored.Branch, stored.Status));

            // A failed re-run of the same run updates it.
            var failed = await RunAsync(Step(workflow, "build", "Report the build to the portal"), new(values) { ["JOB_STATUS"] = "failure" }, workDir);
            Assert.True(failed.ExitCode == 0, failed.Output);
            Assert.Equal("failed", Assert.Single(await DeliveryKit.BuildsAsync(admin, component)).Status);

            // Deploy job: the gate allows (the component has no SLOs yet), then the deployment is reported with the push's commits.
            var gate = await RunAsync(Step(workflow, "deploy", "Ask the portal's error-budget gate"), values, workDir);
            Assert.True(gate.ExitCode == 0, gate.Output);
            Assert.Contains("The gate says allow:", gate.Output, StringComparison.Ordinal);
            var deployment = await RunAsync(Step(workflow, "deploy", "Report the deployment to the portal"), values, workDir);
            Assert.True(deployment.ExitCode == 0, deployment.Output);
            var deployed = Assert.Single(await DeliveryKit.DeploymentsAsync(admin, component));
            Assert.Equal(("8812345678", "prod", Sha, "succeeded", "dana-kim", "6113728f27ae"),
                (deployed.RunId, deployed.Environment, deployed.CommitSha, deployed.Status, deployed.DeployedBy, deployed.Version));
            var commit = Assert.Single(deployed.Commits);
            Assert.Equal((Sha, new DateTimeOffset(2019, 5, 15, 15, 19, 25, TimeSpan.Zero)), (commit.Sha, commit.CommittedAt!.Value));

            // An answer other than 200 with allowed=true (here a 400 for an unknown component) fails the step, so nothing is deployed.
            var refused = await RunAsync(Step(workflow, "deploy", "Ask the portal's error-budget gate"), new(values) { ["PORTAL_COMPONENT"] = "no-such-service" }, workDir);
            Assert.NotEqual(0, refused.ExitCode);
        }
        finally
        {
            Directory.Delete(workDir, recursive: true);
        }
    }
}
