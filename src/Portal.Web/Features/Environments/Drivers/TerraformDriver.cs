using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace Portal.Web.Features.Environments.Drivers;

/// <summary>
/// Runs a Terraform module per environment: its working directory holds the module, the
/// environment's variables and the state, so apply and destroy can be repeated safely.
/// </summary>
public sealed class TerraformDriver(IOptions<EnvironmentsOptions> options) : IEnvironmentDriver
{
    public const string DriverName = "terraform";

    public string Name => DriverName;

    public async Task<IReadOnlyDictionary<string, string>> ProvisionAsync(EnvironmentSpec environment, IRunLog log, CancellationToken cancellationToken)
    {
        var work = await PrepareAsync(environment, log, cancellationToken);
        await RunAsync(work, "init", ["init", "-input=false", "-no-color"], log, cancellationToken);
        var outputs = await RunAsync(work, "apply", ["apply", "-auto-approve", "-json", "-input=false"], log, cancellationToken);
        var result = new Dictionary<string, string>(outputs, StringComparer.Ordinal) { ["workingDirectory"] = work };
        result.TryAdd("namespace", environment.Name);
        return result;
    }

    public async Task TeardownAsync(EnvironmentSpec environment, IRunLog log, CancellationToken cancellationToken)
    {
        var work = WorkingDirectory(environment);
        if (!Directory.Exists(work))
        {
            await log.InfoAsync("destroy", "No working directory: nothing was ever applied, nothing to destroy.", cancellationToken);
            return;
        }
        await PrepareAsync(environment, log, cancellationToken);
        await RunAsync(work, "init", ["init", "-input=false", "-no-color"], log, cancellationToken);
        await RunAsync(work, "destroy", ["destroy", "-auto-approve", "-json", "-input=false"], log, cancellationToken);
    }

    private string WorkingDirectory(EnvironmentSpec environment) =>
        Path.Combine(options.Value.ResolveWorkDirectory(), "terraform", environment.Id.ToString("N"));

    /// <summary>Copies the module's files and writes the variables; state files are left alone.</summary>
    private async Task<string> PrepareAsync(EnvironmentSpec environment, IRunLog log, CancellationToken cancellationToken)
    {
        var module = options.Value.Terraform.ResolveModuleDirectory();
        if (!Directory.Exists(module))
        {
            throw new DriverException($"The Terraform module folder {module} does not exist (Portal:Environments:Terraform:ModuleDirectory).");
        }
        var work = WorkingDirectory(environment);
        Directory.CreateDirectory(work);
        foreach (var file in Directory.EnumerateFiles(module, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(module, file);
            if (relative.StartsWith(".terraform", StringComparison.Ordinal) || relative.StartsWith("terraform.tfstate", StringComparison.Ordinal))
            {
                continue;
            }
            var target = Path.Combine(work, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }
        var variables = new JsonObject
        {
            ["environment_name"] = environment.Name,
            ["environment_id"] = environment.Id.ToString(),
            ["component"] = PolicyEvaluator.NameOf(environment.ComponentRef),
            ["team"] = PolicyEvaluator.NameOf(environment.OwnerTeam),
            ["environment_type"] = environment.Type,
            ["tier"] = environment.Tier,
            ["cpu"] = environment.Size.Cpu,
            ["memory_gi"] = environment.Size.MemoryGi,
            ["storage_gi"] = environment.Size.StorageGi,
            ["region"] = environment.Region,
            ["requested_by"] = environment.RequestedBy,
            ["parameters"] = new JsonObject(environment.Parameters.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
        };
        await File.WriteAllTextAsync(Path.Combine(work, "terraform.tfvars.json"), variables.ToJsonString(), cancellationToken);
        await log.InfoAsync("prepare", $"Working directory {work} holds the module from {module} and the environment's variables.", cancellationToken);
        return work;
    }

    /// <summary>Runs one terraform command, streaming its lines into the log; returns the outputs it reported.</summary>
    private async Task<IReadOnlyDictionary<string, string>> RunAsync(string work, string step, string[] args, IRunLog log, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(options.Value.Terraform.Binary)
        {
            WorkingDirectory = work,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }
        start.Environment["TF_IN_AUTOMATION"] = "1";
        start.Environment["CHECKPOINT_DISABLE"] = "1";
        start.Environment["TF_INPUT"] = "0";
        Process? process;
        try
        {
            process = Process.Start(start);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new DriverException($"'{options.Value.Terraform.Binary}' could not be started; install Terraform or set Portal:Environments:Terraform:Binary.");
        }
        using var _ = process;
        if (process is null)
        {
            throw new DriverException("terraform could not be started.");
        }
        await using var kill = cancellationToken.Register(() => process.Kill(entireProcessTree: true));
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        var outputs = new Dictionary<string, string>(StringComparer.Ordinal);
        var errors = new List<string>();
        while (await process.StandardOutput.ReadLineAsync(CancellationToken.None) is { } line)
        {
            if (TerraformJsonLines.Parse(line) is not { } e || e.Type is "version")
            {
                continue;
            }
            if (e.Outputs is not null)
            {
                foreach (var (k, v) in e.Outputs)
                {
                    outputs[k] = v;
                }
            }
            if (e.Level == "error")
            {
                errors.Add(e.Message);
            }
            if (e.Level == "info")
            {
                await log.InfoAsync(step, e.Message, CancellationToken.None);
            }
            else
            {
                await log.WarningAsync(step, e.Message, CancellationToken.None);
            }
        }
        await process.WaitForExitAsync(CancellationToken.None);
        cancellationToken.ThrowIfCancellationRequested();
        if (process.ExitCode != 0)
        {
            var detail = errors.Count > 0 ? string.Join(" ", errors) : (await stderr).Trim();
            throw new DriverException(string.Create(CultureInfo.InvariantCulture, $"terraform {args[0]} failed (exit code {process.ExitCode}): {detail}"));
        }
        return outputs;
    }
}
