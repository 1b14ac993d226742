using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using static Portal.IntegrationTests.Catalog.CatalogFolder;
using Portal.Web.Features.Catalog;

namespace Portal.IntegrationTests.Catalog;

/// <summary>
/// A repository author plants symbolic links (<c>passwd.txt -> /etc/passwd</c>, <c>rootdir -> /</c>, a chain of links, links
/// with <c>..</c>, links to the portal's own files) and <c>$text/$json/$yaml</c> that read through them. Registered as a git or a
/// file location, nothing outside the location reaches the catalog; each refusal is a problem naming the path; the rest imports.
/// </summary>
public sealed class SymlinkLocationTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>, IDisposable
{
    private const string PasswdLine = "root:x:0:0";
    private const string Secret = "s3cr3t-portal-setting";
    private readonly CatalogFolder _files = new();

    public void Dispose() => _files.Dispose();

    /// <summary>
    /// The attacker's repository in <c>name/</c>, and beside it (outside) the server files it reaches for: a JSON and a YAML
    /// "settings" file (standing in for appsettings.json) and a descriptor.
    /// </summary>
    private string PlantRepository(string name)
    {
        var repo = Path.Combine(_files.Root, name);
        _files.Write("outside/appsettings.json", "{\"ConnectionStrings\": {\"Portal\": \"Password=" + Secret + "\"}}");
        _files.Write("outside/settings.yaml", $"password: {Secret}\n");
        _files.Write("outside/entity.yaml", Component("outside-entity"));
        _files.Write($"{name}/docs/openapi.yaml", "openapi: 3.0.0\ninfo: {title: fine, version: '1'}\n");
        _files.Write($"{name}/sub/keep.txt", "a folder the chain passes through");
        File.CreateSymbolicLink(Path.Combine(repo, "passwd.txt"), "/etc/passwd");
        Directory.CreateSymbolicLink(Path.Combine(repo, "rootdir"), "/");
        // A folder link inside the repository that leads to another link which leaves it.
        Directory.CreateSymbolicLink(Path.Combine(repo, "sub", "deeper"), "../rootdir");
        // '..' that only climbs out once the link is followed.
        Directory.CreateSymbolicLink(Path.Combine(repo, "up"), string.Concat(Enumerable.Repeat("../", 40)));
        File.CreateSymbolicLink(Path.Combine(repo, "settings.json"), "../outside/appsettings.json");
        File.CreateSymbolicLink(Path.Combine(repo, "settings.yaml"), "../outside/settings.yaml");
        File.CreateSymbolicLink(Path.Combine(repo, "linked.yaml"), "../outside/entity.yaml");
        _files.Write($"{name}/catalog-info.yaml", $"""
            apiVersion: backstage.io/v1alpha1
            kind: Location
            metadata:
              name: {name}-root
            spec:
              targets: [./entities.yaml, ./linked.yaml]
            """);
        _files.Write($"{name}/entities.yaml", string.Join("\n---\n",
            Component($"{name}-good"),
            Api($"{name}-fine-api", "$text", "./docs/openapi.yaml"),
            Api($"{name}-leak-rootdir", "$text", "./rootdir/etc/passwd"),
            Api($"{name}-leak-passwd", "$text", "./passwd.txt"),
            Api($"{name}-leak-chain", "$text", "./sub/deeper/etc/passwd"),
            Api($"{name}-leak-up", "$text", "./up/etc/passwd"),
            Widget($"{name}-leak-json", "$json", "./settings.json"),
            Widget($"{name}-leak-yaml", "$yaml", "./settings.yaml")));
        return repo;
    }

    private static string Api(string name, string key, string reference) => $"""
        apiVersion: backstage.io/v1alpha1
        kind: API
        metadata:
          name: {name}
        spec:
          type: openapi
          lifecycle: production
          owner: team-x
          definition:
            {key}: {reference}
        """;

    private static string Widget(string name, string key, string reference) => $"""
        apiVersion: example.com/v1
        kind: Widget
        metadata:
          name: {name}
        spec:
          settings:
            {key}: {reference}
        """;

    [Fact]
    public async Task A_git_location_with_links_to_server_files_imports_none_of_their_content()
    {
        var repo = PlantRepository("gitrepo");
        Git(repo, "init", "-q", "-b", "main");
        Git(repo, "add", "-A");
        Git(repo, "commit", "-q", "-m", "links");
        using var admin = factory.AdminClient();

        var dryRun = await admin.PostAsJsonAsync("/api/catalog/locations?dryRun=true", new { type = "git", target = "file://" + repo, branch = "main" });
        var response = await admin.PostAsJsonAsync("/api/catalog/locations", new { type = "git", target = "file://" + repo, branch = "main" });

        Assert.True(dryRun.IsSuccessStatusCode, $"{(int)dryRun.StatusCode}");
        var dryRunBody = await dryRun.Content.ReadAsStringAsync();
        Assert.DoesNotContain(PasswdLine, dryRunBody, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, dryRunBody, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var problems = Problems(await response.Content.ReadFromJsonAsync<JsonObject>());
        // Git checks links out as plain files; the ones git records as links are refused by name, and paths through them do not exist.
        foreach (var refused in new[] { "$text ./passwd.txt", "$json ./settings.json", "$yaml ./settings.yaml", "linked.yaml" })
        {
            Assert.Contains(problems, p => p.Contains(refused, StringComparison.Ordinal) && p.Contains("symbolic link", StringComparison.Ordinal));
        }
        foreach (var refused in new[] { "$text ./rootdir/etc/passwd", "$text ./sub/deeper/etc/passwd", "$text ./up/etc/passwd" })
        {
            Assert.Contains(problems, p => p.Contains(refused, StringComparison.Ordinal));
        }
        await AssertNothingLeakedAsync("gitrepo");
    }

    [Fact]
    public async Task A_file_location_with_links_to_server_files_imports_none_of_their_content_even_through_a_linked_root()
    {
        var repo = PlantRepository("filerepo");
        // The registered folder is itself a link: allowed, and its real folder is what the checks compare against.
        var linkedRoot = Path.Combine(_files.Root, "linked-root");
        Directory.CreateSymbolicLink(linkedRoot, repo);
        using var admin = factory.AdminClient();

        var response = await admin.PostAsJsonAsync("/api/catalog/locations", new { type = "file", target = Path.Combine(linkedRoot, "catalog-info.yaml") });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var problems = Problems(await response.Content.ReadFromJsonAsync<JsonObject>());
        foreach (var refused in new[] { "$text ./rootdir/etc/passwd", "$text ./passwd.txt", "$text ./sub/deeper/etc/passwd", "$text ./up/etc/passwd",
            "$json ./settings.json", "$yaml ./settings.yaml", "linked.yaml" })
        {
            Assert.Contains(problems, p => p.Contains(refused, StringComparison.Ordinal)
                && p.Contains("symbolic link that leads outside the location's folder", StringComparison.Ordinal));
        }
        await AssertNothingLeakedAsync("filerepo");
    }

    [Fact]
    public async Task A_glob_location_under_a_linked_root_does_not_walk_through_a_link_to_the_root_and_refuses_linked_descriptors()
    {
        var repo = PlantRepository("globrepo");
        using var admin = factory.AdminClient();

        var linkedRoot = Path.Combine(_files.Root, "glob-linked-root");
        Directory.CreateSymbolicLink(linkedRoot, repo);

        var response = await admin.PostAsJsonAsync("/api/catalog/locations", new { type = "file", target = Path.Combine(linkedRoot, "**", "*.yaml") });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain(PasswdLine, body, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, body, StringComparison.Ordinal);
        var problems = Problems(System.Text.Json.JsonSerializer.Deserialize<JsonObject>(body));
        Assert.Contains(problems, p => p.Contains("linked.yaml", StringComparison.Ordinal) && p.Contains("symbolic link", StringComparison.Ordinal));
        // Nothing was read from below the links to '/' (which would list e.g. /etc/*.yaml files).
        Assert.DoesNotContain(problems, p => p.StartsWith(Path.Combine(linkedRoot, "rootdir") + "/", StringComparison.Ordinal)
            || p.StartsWith(Path.Combine(linkedRoot, "up") + "/", StringComparison.Ordinal) || p.StartsWith(Path.Combine(linkedRoot, "sub", "deeper") + "/", StringComparison.Ordinal));
        await using var db = await factory.DbAsync();
        Assert.False(await db.CatalogEntities.AnyAsync(e => e.Name == "outside-entity"));
        Assert.True(await db.CatalogEntities.AnyAsync(e => e.Name == "globrepo-good"));
    }

    private static List<string> Problems(JsonObject? registered) =>
        registered!["location"]!["errors"]!.AsArray().Select(p => $"{p!["source"]}: {p["message"]!.GetValue<string>()}").ToList();

    /// <summary>Read as an ordinary signed-in member would: no server file's content anywhere; the good entities are there.</summary>
    private async Task AssertNothingLeakedAsync(string name)
    {
        var (_, token) = await factory.UserWithTokenAsync($"reader-{name}");
        using var member = factory.ClientWithToken(token);
        foreach (var (kind, entity) in new[] { ("api", "leak-rootdir"), ("api", "leak-passwd"), ("api", "leak-chain"), ("api", "leak-up"),
            ("widget", "leak-json"), ("widget", "leak-yaml") })
        {
            var response = await member.GetAsync(new Uri($"/api/catalog/entities/by-name/{kind}/default/{name}-{entity}", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var json = await response.Content.ReadAsStringAsync();
            Assert.DoesNotContain(PasswdLine, json, StringComparison.Ordinal);
            Assert.DoesNotContain(Secret, json, StringComparison.Ordinal);
        }
        var all = await member.GetStringAsync(new Uri("/api/catalog/entities?limit=1000", UriKind.Relative));
        Assert.DoesNotContain(PasswdLine, all, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, all, StringComparison.Ordinal);
        var locations = await factory.AdminClient().GetStringAsync(new Uri("/api/catalog/locations", UriKind.Relative));
        Assert.DoesNotContain(PasswdLine, locations, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, locations, StringComparison.Ordinal);
        // The rest of the location is not lost: the plain component and the API whose definition is a real file inside it.
        Assert.Equal(HttpStatusCode.OK, (await member.GetAsync(new Uri($"/api/catalog/entities/by-name/component/default/{name}-good", UriKind.Relative))).StatusCode);
        var fine = await member.GetFromJsonAsync<JsonObject>(new Uri($"/api/catalog/entities/by-name/api/default/{name}-fine-api", UriKind.Relative));
        Assert.Contains("openapi: 3.0.0", fine!["spec"]!["definition"]!.GetValue<string>(), StringComparison.Ordinal);
        await using var db = await factory.DbAsync();
        Assert.False(await db.CatalogEntities.AnyAsync(e => e.Name == "outside-entity"));
    }
}
