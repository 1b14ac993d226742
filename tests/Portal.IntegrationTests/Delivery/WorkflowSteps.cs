using System.Diagnostics;
using YamlDotNet.RepresentationModel;

namespace Portal.IntegrationTests.Delivery;

/// <summary>
/// A GitHub Actions workflow file's steps run the way the runner runs them: each <c>run</c> script in bash with -eo pipefail
/// and only the env the test gives (every env key the step declares must have a value). GitHub itself cannot run here.
/// </summary>
public static class WorkflowSteps
{
    public static YamlMappingNode Load(string path)
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(File.ReadAllText(path)));
        return (YamlMappingNode)yaml.Documents[0].RootNode;
    }

    /// <summary>The step called <paramref name="name"/> of <paramref name="job"/>; fails the test when there is not exactly one.</summary>
    public static YamlMappingNode Step(YamlMappingNode workflow, string job, string name) =>
        ((YamlSequenceNode)((YamlMappingNode)((YamlMappingNode)workflow["jobs"])[job])["steps"]).Children.OfType<YamlMappingNode>()
            .Single(s => s.Children.TryGetValue(new YamlScalarNode("name"), out var n) && ((YamlScalarNode)n).Value == name);

    public static async Task<(int ExitCode, string Output)> RunAsync(YamlMappingNode step, Dictionary<string, string> values, string workDir)
    {
        var script = Path.Combine(workDir, $"step-{Guid.NewGuid():N}.sh");
        await File.WriteAllTextAsync(script, ((YamlScalarNode)step["run"]).Value);
        var start = new ProcessStartInfo("bash") { WorkingDirectory = workDir, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "--noprofile", "--norc", "-eo", "pipefail", script })
        {
            start.ArgumentList.Add(arg);
        }
        if (step.Children.TryGetValue(new YamlScalarNode("env"), out var env))
        {
            foreach (var key in ((YamlMappingNode)env).Children.Keys.Cast<YamlScalarNode>())
            {
                Assert.True(values.ContainsKey(key.Value!), $"The step declares {key.Value}, which the test does not provide.");
            }
        }
        start.Environment.Clear();
        foreach (var (key, value) in values)
        {
            start.Environment[key] = value;
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await error);
    }
}
