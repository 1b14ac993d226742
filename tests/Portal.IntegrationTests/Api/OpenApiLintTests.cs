using System.Text.Json.Nodes;
using Portal.TestSupport;

namespace Portal.IntegrationTests.Api;

/// <summary>
/// CI's lint of the API contract: Redocly CLI (from the npm registry, pinned) with its <c>recommended</c> rule set, against
/// the document a running portal serves. Any error fails; warnings are printed.
/// </summary>
public sealed class OpenApiLintTests(RunningPortal portal, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<RunningPortal>
{
    public const string RedoclyVersion = "2.77.0";

    [Fact]
    public async Task The_served_document_passes_Redocly_recommended_rules_without_errors()
    {
        var folder = NpmPackages.Ensure("@redocly/cli", RedoclyVersion);
        var file = Path.Combine(folder, "openapi-v1.json");
        await File.WriteAllTextAsync(file, await portal.DocumentAsync());

        var (exit, stdout, stderr) = NpmPackages.Run("node", folder, Path.Combine(folder, "node_modules", "@redocly", "cli", "bin", "cli.js"),
            "lint", "--extends=recommended", "--format=json", "--max-problems=1000", file);

        var report = (stdout.Contains('{', StringComparison.Ordinal) ? JsonNode.Parse(stdout[stdout.IndexOf('{', StringComparison.Ordinal)..]) : null)
            ?? throw new InvalidOperationException($"Redocly printed no report (exit {exit}): {stdout}\n{stderr}");
        var problems = report["problems"]!.AsArray().Select(p => (Severity: (string)p!["severity"]!,
            Line: $"{p["severity"]} {p["ruleId"]}: {p["message"]} at {p["location"]?[0]?["pointer"]}")).ToList();
        foreach (var warning in problems.Where(p => p.Severity != "error"))
        {
            output.WriteLine(warning.Line);
        }
        var errors = problems.Where(p => p.Severity == "error").Select(p => p.Line).ToList();
        Assert.True(errors.Count == 0, $"{errors.Count} lint errors:\n{string.Join('\n', errors)}");
        Assert.Equal(0, (int)report["totals"]!["errors"]!);
        Assert.Equal(0, exit);
    }
}
