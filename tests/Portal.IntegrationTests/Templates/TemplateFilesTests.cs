using System.Text;
using Portal.Web.Features.Templates;
using Portal.Web.Infrastructure.Git;
using static Portal.IntegrationTests.Templates.TemplateKit;

namespace Portal.IntegrationTests.Templates;

/// <summary>
/// Files as Backstage's fetch:template writes them, through a real task and a real git push: executable bits reach
/// the commit (100755), copyWithoutRender keeps a GitHub workflow's own ${{ }} (and its name) untouched, binary files
/// are copied byte for byte, and a cookiecutter skeleton renders {{ cookiecutter.x }}.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class TemplateFilesTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>, IAsyncLifetime
{
    private static readonly byte[] Binary = [0x89, 0x50, 0x4E, 0x47, 0x00, 0x24, 0x7B, 0x7B, 0x20, 0x76, 0x7D, 0x7D, 0xFF];

    private const string Workflow = "name: ci\non: push\njobs:\n  build:\n    steps:\n      - run: echo ${{ github.sha }}\n        env:\n          key: ${{ secrets.AWS_ACCESS_KEY_ID }}\n";

    public Task InitializeAsync() => factory.SeedDemoAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private string WriteTemplate()
    {
        var root = Path.Combine(factory.TemplatesFolder, "files-template");
        var skeleton = Path.Combine(root, "skeleton");
        Directory.CreateDirectory(Path.Combine(skeleton, ".github", "workflows"));
        Directory.CreateDirectory(Path.Combine(skeleton, "${{ values.name }}"));
        Directory.CreateDirectory(Path.Combine(root, "cookie"));
        File.WriteAllText(Path.Combine(skeleton, "run.sh"), "#!/bin/sh\necho ${{ values.name }}\n");
        File.SetUnixFileMode(Path.Combine(skeleton, "run.sh"), (UnixFileMode)0b111_101_101);
        File.WriteAllText(Path.Combine(skeleton, ".github", "workflows", "${{ values.name }}.yml"), Workflow);
        File.WriteAllBytes(Path.Combine(skeleton, "${{ values.name }}", "logo.png"), Binary);
        File.WriteAllText(Path.Combine(root, "cookie", "{{ cookiecutter.name }}.json"), "{\"name\": {{ cookiecutter.name | jsonify }}}\n");
        File.WriteAllText(Path.Combine(root, "template.yaml"), """
            apiVersion: scaffolder.backstage.io/v1beta3
            kind: Template
            metadata:
              name: files-template
            spec:
              owner: group:default/platform
              type: service
              parameters:
                properties:
                  name: {type: string}
              steps:
                - id: fetch
                  action: fetch:template
                  input:
                    url: ./skeleton
                    copyWithoutRender:
                      - .github/workflows/*
                    values:
                      name: ${{ parameters.name }}
                - id: cookie
                  action: fetch:template
                  input:
                    url: ./cookie
                    targetPath: cookie
                    cookiecutterCompat: true
                    values:
                      name: ${{ parameters.name }}
                - id: publish
                  action: publish:git
                  input:
                    repoUrl: portal?owner=payments&repo=${{ parameters.name }}
              output:
                links:
                  - title: Repository
                    url: ${{ steps.publish.output.remoteUrl }}
            """);
        return Path.Combine(root, "template.yaml");
    }

    [Fact]
    public async Task A_real_run_commits_executable_bits_verbatim_workflows_binary_files_and_cookiecutter_names()
    {
        using var admin = factory.AdminClient();
        await RegisterAsync(admin, WriteTemplate());

        var id = await CreateTaskAsync(admin, "template:default/files-template", new { name = "modes-svc" });
        var task = await WaitForAsync(admin, id, ScaffolderTaskStatus.Completed);

        var remote = new Uri(task.Output!["links"]![0]!["url"]!.GetValue<string>()).LocalPath;
        var tree = await GitCli.RunAsync(factory.TemplatesFolder, CancellationToken.None, "--git-dir", remote, "ls-tree", "-r", "main");
        var modes = tree.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToDictionary(l => l[(l.IndexOf('\t', StringComparison.Ordinal) + 1)..], l => l[..6]);
        Assert.Equal(new Dictionary<string, string>
        {
            [".github/workflows/${{ values.name }}.yml"] = "100644",
            ["cookie/modes-svc.json"] = "100644",
            ["modes-svc/logo.png"] = "100644",
            ["run.sh"] = "100755",
        }, modes);
        async Task<byte[]> Show(string path) => Encoding.Latin1.GetBytes(
            await GitCli.RunAsync(factory.TemplatesFolder, CancellationToken.None, "--git-dir", remote, "show", $"main:{path}"));
        Assert.Equal(Workflow, Encoding.UTF8.GetString(await Show(".github/workflows/${{ values.name }}.yml")));
        Assert.Equal("#!/bin/sh\necho modes-svc\n", Encoding.UTF8.GetString(await Show("run.sh")));
        Assert.Equal("{\"name\": \"modes-svc\"}\n", Encoding.UTF8.GetString(await Show("cookie/modes-svc.json")));
        var clone = await CloneAsync(new Uri(remote).AbsoluteUri);
        try
        {
            Assert.Equal(Binary, await File.ReadAllBytesAsync(Path.Combine(clone, "modes-svc", "logo.png")));
            Assert.True(File.GetUnixFileMode(Path.Combine(clone, "run.sh")).HasFlag(UnixFileMode.UserExecute));
        }
        finally
        {
            Directory.Delete(clone, recursive: true);
        }
    }
}
