using Microsoft.Extensions.Options;
using Portal.Web.Features.Environments;
using Portal.Web.Features.Environments.Drivers;

namespace Portal.IntegrationTests.Environments;

/// <summary>
/// The Terraform driver running the built-in module (terraform_data only, no provider download):
/// with the real terraform binary when one is on PATH, and always with a script that replays the
/// JSON lines recorded from Terraform 1.11.4.
/// </summary>
public sealed class TerraformDriverTests
{
    public static TheoryData<string> Binaries()
    {
        var data = new TheoryData<string> { "replay" };
        if (RealTerraform() is not null)
        {
            data.Add("terraform");
        }
        return data;
    }

    private static string? RealTerraform() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, "terraform")).FirstOrDefault(File.Exists);

    private static string BinaryPath(string binary) =>
        binary == "replay" ? Path.Combine(AppContext.BaseDirectory, "Environments", "TerraformReplay", "terraform") : RealTerraform()!;

    private sealed class ListLog : IRunLog
    {
        public List<(string Step, string Level, string Message)> Lines { get; } = [];

        public Task InfoAsync(string stepName, string message, CancellationToken cancellationToken)
        {
            Lines.Add((stepName, "info", message));
            return Task.CompletedTask;
        }

        public Task WarningAsync(string stepName, string message, CancellationToken cancellationToken)
        {
            Lines.Add((stepName, "warning", message));
            return Task.CompletedTask;
        }
    }

    [Theory]
    [MemberData(nameof(Binaries))]
    public async Task Apply_reports_resource_progress_and_outputs_and_destroy_removes_the_state(string binary)
    {
        var work = Path.Combine(Path.GetTempPath(), "tf-test-" + Guid.NewGuid().ToString("N"));
        try
        {
            var options = new EnvironmentsOptions
            {
                WorkDirectory = work,
                Terraform = new TerraformOptions
                {
                    Binary = BinaryPath(binary),
                },
            };
            var driver = new TerraformDriver(Options.Create(options));
            var spec = new EnvironmentSpec(Guid.NewGuid(), "demo-env", "component:default/cart-service", "group:default/checkout", "dev", "small",
                new TierSpec { Cpu = 1, MemoryGi = 2, StorageGi = 10 }, "eu-west-1", "ana.silva", new Dictionary<string, string>());
            var log = new ListLog();

            var outputs = await driver.ProvisionAsync(spec, log, CancellationToken.None);

            Assert.Equal("demo-env", outputs["namespace"]);
            Assert.Equal("https://demo-env.eu-west-1.example.internal", outputs["url"]);
            Assert.Equal("1 CPU, 2 GiB memory, 10 GiB storage", outputs["quota"]);
            Assert.Contains(log.Lines, l => l.Step == "apply" && l.Message == "terraform_data.namespace: Creating...");
            Assert.Contains(log.Lines, l => l.Step == "apply" && l.Message.StartsWith("terraform_data.quota: Creation complete", StringComparison.Ordinal));
            Assert.Contains(log.Lines, l => l.Message == "Apply complete! Resources: 2 added, 0 changed, 0 destroyed.");
            var folder = outputs["workingDirectory"];
            Assert.True(File.Exists(Path.Combine(folder, "terraform.tfstate")), "the state stays in the environment's working directory");
            Assert.Contains("\"environment_name\":\"demo-env\"", await File.ReadAllTextAsync(Path.Combine(folder, "terraform.tfvars.json")), StringComparison.Ordinal);

            await driver.TeardownAsync(spec, log, CancellationToken.None);

            Assert.Contains(log.Lines, l => l.Step == "destroy" && l.Message == "Destroy complete! Resources: 2 destroyed.");
            if (binary == "terraform")
            {
                var state = await File.ReadAllTextAsync(Path.Combine(folder, "terraform.tfstate"));
                Assert.Contains("\"resources\": []", state, StringComparison.Ordinal);
            }
        }
        finally
        {
            if (Directory.Exists(work))
            {
                Directory.Delete(work, recursive: true);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Binaries))]
    public async Task A_failing_module_fails_with_terraforms_own_diagnostic(string binary)
    {
        var work = Path.Combine(Path.GetTempPath(), "tf-test-" + Guid.NewGuid().ToString("N"));
        var module = Path.Combine(work, "module");
        Directory.CreateDirectory(module);
        await File.WriteAllTextAsync(Path.Combine(module, "main.tf"), "resource \"terraform_data\" \"x\" {\n  input = var.missing\n}\n");
        try
        {
            var driver = new TerraformDriver(Options.Create(new EnvironmentsOptions
            {
                WorkDirectory = work, Terraform = new TerraformOptions { Binary = BinaryPath(binary), ModuleDirectory = module },
            }));
            var spec = new EnvironmentSpec(Guid.NewGuid(), "broken", "component:default/x", "group:default/y", "dev", "small",
                new TierSpec { Cpu = 1, MemoryGi = 1 }, "eu-west-1", "ana", new Dictionary<string, string>());
            var error = await Assert.ThrowsAsync<DriverException>(() => driver.ProvisionAsync(spec, new ListLog(), CancellationToken.None));

            Assert.Contains("Reference to undeclared input variable", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}
