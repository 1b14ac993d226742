using Portal.Web.Features.Environments;
using Portal.Web.Features.Environments.Drivers;

namespace Portal.Tests.Environments;

public sealed class LifecycleAndDriverTests
{
    [Theory]
    [InlineData(EnvironmentStatus.Requested, EnvironmentStatus.PendingApproval, true)]
    [InlineData(EnvironmentStatus.PendingApproval, EnvironmentStatus.Approved, true)]
    [InlineData(EnvironmentStatus.Provisioning, EnvironmentStatus.Ready, true)]
    [InlineData(EnvironmentStatus.Expiring, EnvironmentStatus.Ready, true)]
    [InlineData(EnvironmentStatus.Ready, EnvironmentStatus.Provisioning, false)]
    [InlineData(EnvironmentStatus.Rejected, EnvironmentStatus.Approved, false)]
    [InlineData(EnvironmentStatus.Deleted, EnvironmentStatus.Deleting, false)]
    [InlineData(EnvironmentStatus.PendingApproval, EnvironmentStatus.Provisioning, false)]
    public void Only_the_documented_transitions_are_allowed(EnvironmentStatus from, EnvironmentStatus to, bool allowed) =>
        Assert.Equal(allowed, EnvironmentLifecycle.CanMove(from, to));

    [Fact]
    public void A_move_records_its_time_and_actor_and_ready_sets_the_ready_time()
    {
        var at = new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
        var environment = new PortalEnvironment
        {
            Name = "x", ComponentRef = "component:default/x", OwnerTeam = "group:default/t", Type = "dev", Tier = "small", Region = "eu",
            Driver = "gitops", RequestedById = "u", RequestedBy = "u", Status = EnvironmentStatus.Provisioning,
        };

        EnvironmentLifecycle.Move(environment, EnvironmentStatus.Ready, "portal", at);

        Assert.Equal(at, environment.ReadyAt);
        var transition = Assert.Single(environment.Transitions);
        Assert.Equal((EnvironmentStatus.Provisioning, EnvironmentStatus.Ready, "portal"), (transition.From!.Value, transition.To, transition.Actor));
        Assert.Throws<InvalidOperationException>(() => EnvironmentLifecycle.Move(environment, EnvironmentStatus.Approved, "portal", at));
    }

    [Fact]
    public void Manifests_label_the_namespace_for_cost_attribution_and_size_the_quota_from_the_tier()
    {
        var spec = new EnvironmentSpec(Guid.NewGuid(), "cart-dev", "component:default/cart-service", "group:default/checkout", "dev", "medium",
            new TierSpec { Cpu = 2.5m, MemoryGi = 4, StorageGi = 20 }, "eu-west-1", "dana.kim", new Dictionary<string, string>());

        var files = GitOpsManifests.Render(spec, "edit");

        Assert.Equal(["kustomization.yaml", "limitrange.yaml", "namespace.yaml", "networkpolicy.yaml", "resourcequota.yaml", "rolebinding.yaml"], files.Keys);
        Assert.Contains("    team: checkout\n    component: cart-service\n    environment: cart-dev\n", files["namespace.yaml"], StringComparison.Ordinal);
        Assert.Contains("requests.cpu: \"2.5\"", files["resourcequota.yaml"], StringComparison.Ordinal);
        Assert.Contains("requests.memory: 4Gi", files["resourcequota.yaml"], StringComparison.Ordinal);
        Assert.Contains("name: checkout", files["rolebinding.yaml"], StringComparison.Ordinal);
        Assert.Equal("clusters/local/environments/cart-dev", GitOpsManifests.Folder("local", "cart-dev"));
        Assert.Contains($"Portal-Environment: {spec.Id}", GitOpsManifests.CommitMessage("Provision", spec), StringComparison.Ordinal);
        Assert.StartsWith("Provision environment cart-dev for dana.kim", GitOpsManifests.CommitMessage("Provision", spec), StringComparison.Ordinal);
    }

    [Fact]
    public void Terraform_json_lines_become_log_lines_diagnostics_and_outputs()
    {
        var diagnostic = TerraformJsonLines.Parse("""{"@level":"error","@message":"Error: Invalid value","type":"diagnostic","diagnostic":{"severity":"error","summary":"Invalid value","detail":"cpu must be positive"}}""");
        var planOutputs = TerraformJsonLines.Parse("""{"@level":"info","@message":"Outputs: 1","type":"outputs","outputs":{"url":{"sensitive":false,"action":"create"}}}""");
        var outputs = TerraformJsonLines.Parse("""{"@level":"info","@message":"Outputs: 3","type":"outputs","outputs":{"url":{"sensitive":false,"type":"string","value":"https://x"},"size":{"sensitive":false,"type":"number","value":3},"key":{"sensitive":true,"type":"string"}}}""");

        Assert.Equal(("error", "Error: Invalid value: cpu must be positive"), (diagnostic!.Level, diagnostic.Message));
        Assert.Null(planOutputs!.Outputs);
        Assert.Equal("https://x", outputs!.Outputs!["url"]);
        Assert.Equal("3", outputs.Outputs["size"]);
        Assert.Equal("(sensitive)", outputs.Outputs["key"]);
        Assert.Equal("text", TerraformJsonLines.Parse("Terraform has been successfully initialized!")!.Type);
        Assert.Null(TerraformJsonLines.Parse("  "));
    }
}
