using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Portal.TestSupport;
using Portal.Web.Features.Environments;
using Portal.Web.Infrastructure.Git;
using YamlDotNet.RepresentationModel;

namespace Portal.IntegrationTests.Environments;

/// <summary>Helpers shared by the environment tests: API calls, waits, and looking into the GitOps repository with real git and kubectl.</summary>
public static class EnvironmentKit
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    public static async Task<EnvironmentSummary> RequestAsync(HttpClient client, EnvironmentRequest request)
    {
        var response = await client.PostAsJsonAsync("/api/environments", request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, $"{(int)response.StatusCode}: {body}");
        return JsonSerializer.Deserialize<EnvironmentSummary>(body, JsonSerializerOptions.Web)!;
    }

    public static async Task<EnvironmentDetail> GetAsync(HttpClient client, Guid id)
    {
        using var response = await client.GetAsync(new Uri($"/api/environments/{id}", UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET environment {id}: {(int)response.StatusCode} {body}");
        return JsonSerializer.Deserialize<EnvironmentDetail>(body, JsonSerializerOptions.Web)!;
    }

    public static async Task<EnvironmentDetail> WaitForStatusAsync(HttpClient client, Guid id, string status)
    {
        EnvironmentDetail? last = null;
        try
        {
            await Wait.UntilAsync(async () =>
            {
                last = await GetAsync(client, id);
                if (last.Environment.Status == "Failed" && status != "Failed")
                {
                    throw new InvalidOperationException("The environment failed: " + Describe(last));
                }
                return last.Environment.Status == status;
            }, Patience, $"environment {id} to be {status}");
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message} It is {last?.Environment.Status}: {(last is null ? "" : Describe(last))}", ex);
        }
        return last!;
    }

    private static string Describe(EnvironmentDetail detail) => string.Join("\n",
        detail.Runs.Select(r => $"run {r.Kind} {r.Status} {r.Error}").Concat(detail.Runs.SelectMany(r => r.Log).Select(l => $"  [{l.Step}] {l.Message}")));

    public static async Task<string> GitAsync(string directory, params string[] args) => await GitCli.RunAsync(directory, CancellationToken.None, args);

    public static async Task<int> CommitCountAsync(string bareRepository, string branch = "main") =>
        int.Parse((await GitAsync(bareRepository, "rev-list", "--count", branch)).Trim(), System.Globalization.CultureInfo.InvariantCulture);

    public static async Task<IReadOnlyList<string>> FilesAsync(string bareRepository, string? under = null)
    {
        var output = await GitAsync(bareRepository, under is null ? ["ls-tree", "-r", "--name-only", "main"] : ["ls-tree", "-r", "--name-only", "main", "--", under]);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>Clones the repository and renders <paramref name="folder"/> with the real <c>kubectl kustomize</c>; returns the objects.</summary>
    public static async Task<IReadOnlyList<YamlMappingNode>> KustomizeAsync(string bareRepository, string folder)
    {
        var clone = Path.Combine(Path.GetTempPath(), "gitops-clone-" + Guid.NewGuid().ToString("N"));
        try
        {
            await GitAsync(Path.GetTempPath(), "clone", "--quiet", bareRepository, clone);
            var start = new ProcessStartInfo("kubectl") { RedirectStandardOutput = true, RedirectStandardError = true };
            start.ArgumentList.Add("kustomize");
            start.ArgumentList.Add(Path.Combine(clone, folder));
            using var kubectl = Process.Start(start)!;
            var output = await kubectl.StandardOutput.ReadToEndAsync();
            var error = await kubectl.StandardError.ReadToEndAsync();
            await kubectl.WaitForExitAsync();
            Assert.True(kubectl.ExitCode == 0, "kubectl kustomize failed: " + error);
            var stream = new YamlStream();
            stream.Load(new StringReader(output));
            return stream.Documents.Select(d => (YamlMappingNode)d.RootNode).ToList();
        }
        finally
        {
            if (Directory.Exists(clone))
            {
                Directory.Delete(clone, recursive: true);
            }
        }
    }

    public static string Scalar(YamlMappingNode node, params string[] path)
    {
        YamlNode current = node;
        foreach (var key in path)
        {
            current = ((YamlMappingNode)current).Children[new YamlScalarNode(key)];
        }
        return ((YamlScalarNode)current).Value!;
    }
}
