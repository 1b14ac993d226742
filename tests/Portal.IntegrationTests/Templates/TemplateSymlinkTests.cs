using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Web.Features.Templates;
using static Portal.IntegrationTests.Catalog.CatalogFolder;
using static Portal.IntegrationTests.Templates.TemplateKit;
using Portal.Web.Features.Catalog;

namespace Portal.IntegrationTests.Templates;

/// <summary>
/// Templates whose skeleton holds a link to /etc/passwd or to / (registered from a file location, and from a git repository
/// where links are checked out as plain files): the dry run and the real task fail with an error naming the link, and
/// neither the preview, the log, nor any repository holds a byte of what the link points at.
/// </summary>
public sealed class TemplateSymlinkTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>, IAsyncLifetime
{
    private const string PasswdLine = "root:x:0:0";
    private string _ana = "";
    private string Templates => Path.Combine(factory.TemplatesFolder, "link-templates");
    private string RepositoryRoot => Path.Combine(factory.TemplatesFolder, "repos");

    public async Task InitializeAsync()
    {
        await factory.SeedDemoAsync();
        (_, _ana) = await factory.UserWithTokenAsync("ana.silva", "ana.silva@northwind.example");
        using var admin = factory.AdminClient();
        await using var db = await factory.DbAsync();
        if (await db.CatalogEntities.AnyAsync(e => e.EntityRef == "template:default/link-file"))
        {
            return;
        }

        var fileTemplate = WriteTemplate("link-file", "fetch:template", "./skeleton", skeleton =>
            File.CreateSymbolicLink(Path.Combine(skeleton, "passwd"), "/etc/passwd"));
        var rootTemplate = WriteTemplate("link-root", "fetch:plain", "./skeleton", skeleton =>
            Directory.CreateSymbolicLink(Path.Combine(skeleton, "rootdir"), "/"));
        var folderTemplate = WriteTemplate("link-folder", "fetch:plain", "./linked/etc", _ =>
            Directory.CreateSymbolicLink(Path.Combine(Templates, "link-folder", "linked"), "/"));
        foreach (var file in new[] { fileTemplate, rootTemplate, folderTemplate })
        {
            await RegisterAsync(admin, file);
        }

        var gitTemplate = WriteTemplate("link-git", "fetch:template", "./skeleton", skeleton =>
            File.CreateSymbolicLink(Path.Combine(skeleton, "passwd"), "/etc/passwd"));
        var repo = Path.GetDirectoryName(gitTemplate)!;
        Git(repo, "init", "-q", "-b", "main");
        Git(repo, "add", "-A");
        Git(repo, "commit", "-q", "-m", "a template with a link");
        var registered = await admin.PostAsJsonAsync("/api/catalog/locations", new { type = "git", target = "file://" + repo, branch = "main", path = "template.yaml" });
        Assert.True(registered.IsSuccessStatusCode, await registered.Content.ReadAsStringAsync());
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private string WriteTemplate(string name, string action, string url, Action<string> plant)
    {
        var root = Path.Combine(Templates, name);
        var skeleton = Path.Combine(root, "skeleton");
        Directory.CreateDirectory(skeleton);
        File.WriteAllText(Path.Combine(skeleton, "README.md"), "# ${{ values.name }}\n");
        File.WriteAllText(Path.Combine(root, "template.yaml"), $$$"""
            apiVersion: scaffolder.backstage.io/v1beta3
            kind: Template
            metadata:
              name: {{{name}}}
              title: Links
            spec:
              owner: group:default/platform
              type: service
              parameters:
                - title: Service
                  required: [name]
                  properties:
                    name: {title: Name, type: string}
              steps:
                - id: fetch
                  name: Fetch
                  action: {{{action}}}
                  input:
                    url: {{{url}}}
                    values:
                      name: ${{ parameters.name }}
                - id: publish
                  name: Publish
                  action: publish:git
                  input:
                    repoUrl: portal?owner=payments&repo=${{ parameters.name }}
            """);
        plant(skeleton);
        return Path.Combine(root, "template.yaml");
    }

    [Theory]
    [InlineData("link-file", "The skeleton file 'passwd' is a symbolic link")]
    [InlineData("link-root", "The skeleton file 'rootdir' is a symbolic link")]
    [InlineData("link-folder", "The skeleton path 'linked' is a symbolic link")]
    [InlineData("link-git", "The skeleton file 'passwd' is a symbolic link")]
    public async Task A_skeleton_link_fails_the_dry_run_and_the_task_naming_it_and_nothing_outside_is_read(string template, string error)
    {
        using var ana = factory.ClientWithToken(_ana);
        var name = $"{template}-svc";

        var dryRun = await ana.PostAsJsonAsync($"/api/templates/default/{template}/dry-run", new { values = new { name } });

        Assert.Equal(HttpStatusCode.OK, dryRun.StatusCode);
        var preview = await dryRun.Content.ReadAsStringAsync();
        var result = JsonSerializer.Deserialize<DryRunResult>(preview, JsonSerializerOptions.Web)!;
        Assert.Contains(result.Log, l => l.Level == "error" && l.Message.StartsWith(error, StringComparison.Ordinal));
        Assert.Empty(result.Files);
        Assert.DoesNotContain(PasswdLine, preview, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes(File.ReadAllText("/etc/passwd")))[..16], preview, StringComparison.Ordinal);

        var id = await CreateTaskAsync(ana, $"template:default/{template}", new { name });
        var task = await WaitForAsync(ana, id, ScaffolderTaskStatus.Failed);

        Assert.Contains(error, task.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(PasswdLine, JsonSerializer.Serialize(task), StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(RepositoryRoot, "payments", $"{name}.git")), "nothing was published");
        Assert.Equal(HttpStatusCode.NotFound, (await ana.GetAsync(new Uri($"/api/catalog/entities/by-name/component/default/{name}", UriKind.Relative))).StatusCode);
    }
}
