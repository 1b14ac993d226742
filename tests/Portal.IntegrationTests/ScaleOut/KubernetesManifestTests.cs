using System.Diagnostics;
using System.Text.Json.Nodes;
using Portal.IntegrationTests.Foundation;
using Portal.TestSupport;
using YamlDotNet.RepresentationModel;

namespace Portal.IntegrationTests.ScaleOut;

/// <summary>
/// deploy/k8s (issue 25): both overlays render with kubectl's kustomize, scale out as documented, and the
/// CloudNativePG Cluster is one the operator's CRD admits (its schema vendored in TestData/cnpg). No cluster here:
/// rendering and schema checks are what can run on one machine.
/// </summary>
[Collection(PortalProcessCollection.Name)]
public sealed class KubernetesManifestTests
{
    private static readonly string Deploy = Path.Combine(PortalProcess.RepositoryRoot(), "deploy", "k8s");

    [Theory]
    [InlineData("overlays/external-database")]
    [InlineData("overlays/cloudnative-pg")]
    [InlineData("")]
    public async Task Each_overlay_renders_three_replicas_a_disruption_budget_sticky_ui_and_a_wait_for_migrations(string overlay)
    {
        var objects = await RenderAsync(overlay);

        var deployment = Single(objects, "Deployment");
        Assert.Equal(3L, deployment["spec"]!["replicas"]!.GetValue<long>());
        var pod = deployment["spec"]!["template"]!["spec"]!;
        Assert.Equal(["dotnet", "Portal.Web.dll", "wait-for-migrations"],
            pod["initContainers"]!.AsArray().Single()!["command"]!.AsArray().Select(c => c!.GetValue<string>()));
        Assert.Equal(1L, Single(objects, "PodDisruptionBudget")["spec"]!["maxUnavailable"]!.GetValue<long>());
        Assert.Equal(3L, Single(objects, "HorizontalPodAutoscaler")["spec"]!["minReplicas"]!.GetValue<long>());
        Assert.Equal("cookie", Single(objects, "Ingress")["metadata"]!["annotations"]!["nginx.ingress.kubernetes.io/affinity"]!.GetValue<string>());
        Assert.All(objects, o => Assert.Equal("portal", o["metadata"]!["namespace"]?.GetValue<string>() ?? (o["kind"]!.GetValue<string>() == "Namespace" ? "portal" : null)));
    }

    [Fact]
    public async Task The_cloudnative_pg_overlay_connects_every_container_to_the_operators_primary_with_its_secrets()
    {
        var objects = await RenderAsync("overlays/cloudnative-pg");

        Assert.Contains("Host=portal-db-rw;", Single(objects, "Secret")["stringData"]!["connection-string"]!.GetValue<string>(), StringComparison.Ordinal);
        var deploymentPod = Single(objects, "Deployment")["spec"]!["template"]!["spec"]!;
        var jobPod = Single(objects, "Job")["spec"]!["template"]!["spec"]!;
        var containers = new[] { deploymentPod["containers"]!, deploymentPod["initContainers"]!, jobPod["containers"]! }.SelectMany(c => c.AsArray()).ToList();
        Assert.Equal(3, containers.Count);
        foreach (var container in containers)
        {
            var env = container!["env"]!.AsArray().ToDictionary(e => e!["name"]!.GetValue<string>(), e => e!);
            Assert.Equal("portal-db-app", env["PGUSER"]["valueFrom"]!["secretKeyRef"]!["name"]!.GetValue<string>());
            Assert.Equal("password", env["PGPASSWORD"]["valueFrom"]!["secretKeyRef"]!["key"]!.GetValue<string>());
            Assert.Equal("portal-secrets", env["ConnectionStrings__Portal"]["valueFrom"]!["secretKeyRef"]!["name"]!.GetValue<string>());
            Assert.Contains(container["volumeMounts"]!.AsArray(), m => m!["mountPath"]!.GetValue<string>() == "/etc/portal-db-ca");
        }
    }

    [Fact]
    public async Task The_cloudnative_pg_cluster_validates_against_the_operators_crd_schema()
    {
        var cluster = Single(await RenderAsync("overlays/cloudnative-pg"), "Cluster");
        Assert.Equal("postgresql.cnpg.io/v1", cluster["apiVersion"]!.GetValue<string>());

        Assert.Empty(await CrdValidation.ProblemsAsync(cluster));
        Assert.Equal("portal-db", cluster["metadata"]!["name"]!.GetValue<string>()); // the -rw Service and -app Secret names follow from it
    }

    [Fact]
    public async Task The_crd_check_refuses_a_wrong_type_a_value_out_of_range_and_an_unknown_field()
    {
        var cluster = Single(await RenderAsync("overlays/cloudnative-pg"), "Cluster");
        cluster["spec"]!["instances"] = "three";
        cluster["spec"]!["storage"]!["sizee"] = "20Gi";
        cluster["spec"]!["primaryUpdateStrategy"] = "whenever";

        var problems = await CrdValidation.ProblemsAsync(cluster);

        Assert.Contains(problems, p => p.Contains("instances", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("sizee", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("primaryUpdateStrategy", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_init_container_command_waits_while_migrations_are_pending_and_returns_once_they_are_applied()
    {
        var settings = new Dictionary<string, string?>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["ConnectionStrings__Portal"] = TestCluster.CreateDatabase("waitmig"),
        };
        var dir = TestCluster.NewDataDirectory("unused");
        await using var waiting = PortalProcess.Launch(dir, settings, "wait-for-migrations");
        await Wait.UntilAsync(() => waiting.Output.Contains("pending migration(s)", StringComparison.Ordinal), TimeSpan.FromMinutes(1),
            "the wait to report the pending migrations");
        Assert.False(waiting.HasExited);

        await using (var migrate = PortalProcess.Launch(dir, settings, "migrate"))
        {
            Assert.Equal(0, await migrate.WaitForExitAsync(TimeSpan.FromMinutes(2)));
        }

        Assert.Equal(0, await waiting.WaitForExitAsync(TimeSpan.FromMinutes(1)));
        Assert.Contains("The database schema is up to date.", waiting.Output, StringComparison.Ordinal);
    }

    private static JsonObject Single(List<JsonObject> objects, string kind) => Assert.Single(objects, o => o["kind"]!.GetValue<string>() == kind);

    /// <summary><c>kubectl kustomize</c> of a folder under deploy/k8s, as JSON objects.</summary>
    private static async Task<List<JsonObject>> RenderAsync(string overlay)
    {
        var start = new ProcessStartInfo("kubectl", ["kustomize", Path.Combine(Deploy, overlay)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"kubectl kustomize {overlay}: {await error}");
        var stream = new YamlStream();
        stream.Load(new StringReader(await output));
        return [.. stream.Documents.Select(d => (JsonObject)CrdValidation.ToJson(d.RootNode)!)];
    }
}
