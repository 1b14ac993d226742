using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using static Portal.IntegrationTests.Catalog.CatalogFolder;
using Portal.Web.Features.Catalog;

namespace Portal.IntegrationTests.Catalog;

/// <summary>Bad input and hostile input: a clear message per file or entity, never a 500, never a lost neighbour.</summary>
public sealed class LocationEdgeCaseTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>, IDisposable
{
    private readonly CatalogFolder _files = new();

    public void Dispose() => _files.Dispose();

    private string Write(string relative, string content) => _files.Write(relative, content);

    [Fact]
    public async Task Each_bad_document_gets_its_own_message_and_the_good_ones_still_import()
    {
        var root = Write("edge/catalog-info.yaml", $"""
            apiVersion: backstage.io/v1alpha1
            kind: Location
            metadata:
              name: edge-root
            spec:
              targets: [./good.yaml, ./malformed.yaml, ./bad-name.yaml, ./dupes.yaml, ./unknown-kind.yaml, ./loop-a.yaml, ./missing.yaml, ./huge.yaml]
            """);
        Write("edge/good.yaml", Component("good-service", extra: "  dependsOn: [component:does-not-exist]"));
        Write("edge/malformed.yaml", "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: [unclosed\n");
        Write("edge/bad-name.yaml", Component("Bad Name!"));
        Write("edge/dupes.yaml", Component("twin") + "\n---\n" + Component("Twin"));
        Write("edge/unknown-kind.yaml", "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: gadget\nspec:\n  anything: [1, 2]\n");
        Write("edge/loop-a.yaml", "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: loop-a\nspec:\n  target: ./loop-b.yaml\n");
        Write("edge/loop-b.yaml", "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: loop-b\nspec:\n  target: ./loop-a.yaml\n");
        await using (var huge = File.Create(Path.Combine(_files.Root, "edge/huge.yaml")))
        {
            huge.SetLength(50L * 1024 * 1024); // 50 MB
        }
        using var admin = factory.AdminClient();

        var response = await admin.PostAsJsonAsync("/api/catalog/locations", new { type = "file", target = root });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        var problems = body!["location"]!["errors"]!.AsArray().Select(p => $"{Path.GetFileName(p!["source"]!.GetValue<string>())}: {p["message"]!.GetValue<string>()}").ToList();
        Assert.Contains(problems, p => p.StartsWith("malformed.yaml: line", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("bad-name.yaml", StringComparison.Ordinal) && p.Contains("metadata.name", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("dupes.yaml", StringComparison.Ordinal) && p.Contains("Duplicate entity", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("Location loop", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("missing.yaml", StringComparison.Ordinal) && p.Contains("does not exist", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("huge.yaml", StringComparison.Ordinal) && p.Contains("50 MB", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("good.yaml", StringComparison.Ordinal)
            && p.Contains("Dangling reference: dependsOn component:default/does-not-exist", StringComparison.Ordinal));
        Assert.Equal("warnings", body["location"]!["status"]!.GetValue<string>());

        await using var db = await factory.DbAsync();
        var names = await db.CatalogEntities.Where(e => e.Source!.Contains("/edge/")).Select(e => e.Name).ToListAsync();
        Assert.Contains("good-service", names);
        Assert.Contains("twin", names);
        Assert.Contains("gadget", names); // unknown kinds are kept, fields and all
        Assert.Contains("loop-a", names);
        Assert.Contains("loop-b", names);
        Assert.DoesNotContain("Twin", names);
        Assert.True(await db.CatalogRelations.AnyAsync(r => r.SourceRef == "component:default/good-service" && r.Type == "dependsOn" && r.TargetRef == "component:default/does-not-exist"),
            "a dangling reference is still a relation");
    }

    [Fact]
    public async Task An_entity_claimed_by_two_locations_stays_with_the_first_and_both_report_the_conflict()
    {
        var first = Write("claim/first.yaml", Component("contested", owner: "team-first"));
        var second = Write("claim/second.yaml", Component("contested", owner: "team-second"));
        using var admin = factory.AdminClient();

        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/catalog/locations", new { type = "file", target = first })).StatusCode);
        var response = await admin.PostAsJsonAsync("/api/catalog/locations", new { type = "file", target = second });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var entity = await admin.GetFromJsonAsync<JsonObject>("/api/catalog/entities/by-name/component/default/contested");
        Assert.Equal("team-first", entity!["spec"]!["owner"]!.GetValue<string>());
        var locations = await admin.GetFromJsonAsync<JsonArray>("/api/catalog/locations");
        foreach (var target in new[] { first, second })
        {
            var location = locations!.Single(l => l!["target"]!.GetValue<string>() == target)!;
            Assert.Contains("Conflict", location["errors"]!.ToJsonString(), StringComparison.Ordinal);
        }

        // The winner's own refresh rebuilds its problem list: the conflict must still be on it.
        var firstId = locations!.Single(l => l!["target"]!.GetValue<string>() == first)!["id"]!.GetValue<string>();
        var refreshed = await admin.PostAsync(new Uri($"/api/catalog/locations/{firstId}/refresh", UriKind.Relative), null);
        var afterRefresh = (await refreshed.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Contains($"Conflict: location file:{second} also defines component:default/contested; this location keeps it.",
            afterRefresh["errors"]!.AsArray().Select(p => p!["message"]!.GetValue<string>()));
    }

    [Fact]
    public async Task An_entity_that_moves_to_another_location_is_taken_over_there_without_a_conflict()
    {
        var old = Write("move/old.yaml", Component("mover", owner: "team-old"));
        var @new = Write("move/new.yaml", Component("stays-new"));
        using var admin = factory.AdminClient();
        var oldId = (await (await admin.PostAsJsonAsync("/api/catalog/locations", new { type = "file", target = old })).Content.ReadFromJsonAsync<JsonObject>())!
            ["location"]!["id"]!.GetValue<string>();

        // The descriptor moves: gone from the old file (an orphan there), added to the new one.
        File.WriteAllText(old, Component("left-behind"));
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync(new Uri($"/api/catalog/locations/{oldId}/refresh", UriKind.Relative), null)).StatusCode);
        File.AppendAllText(@new, "\n---\n" + Component("mover", owner: "team-new"));
        var registered = await admin.PostAsJsonAsync("/api/catalog/locations", new { type = "file", target = @new });

        var body = (await registered.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.DoesNotContain("Conflict", body["location"]!["errors"]!.ToJsonString(), StringComparison.Ordinal);
        var entity = await admin.GetFromJsonAsync<JsonObject>("/api/catalog/entities/by-name/component/default/mover");
        Assert.Equal("team-new", entity!["spec"]!["owner"]!.GetValue<string>());
        Assert.Null(entity["metadata"]!["annotations"]?["backstage.io/orphan"]);
        Assert.Equal(@new, body["location"]!["target"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_descriptor_that_breaks_keeps_its_last_good_version_instead_of_vanishing()
    {
        var file = Write("keep/catalog-info.yaml", Component("keep-me"));
        using var admin = factory.AdminClient();
        var created = await admin.PostAsJsonAsync("/api/catalog/locations", new { type = "file", target = file });
        var id = (await created.Content.ReadFromJsonAsync<JsonObject>())!["location"]!["id"]!.GetValue<string>();

        File.WriteAllText(file, Component("keep-me").Replace("lifecycle: production", "lifecycle: [not, a, string]", StringComparison.Ordinal));
        var refreshed = await admin.PostAsync(new Uri($"/api/catalog/locations/{id}/refresh", UriKind.Relative), null);

        var body = await refreshed.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal("warnings", body!["status"]!.GetValue<string>());
        var entity = await admin.GetFromJsonAsync<JsonObject>("/api/catalog/entities/by-name/component/default/keep-me");
        Assert.Equal("production", entity!["spec"]!["lifecycle"]!.GetValue<string>());
        Assert.Null(entity["metadata"]!["annotations"]?["backstage.io/orphan"]);
    }

    [Fact]
    public async Task Nothing_is_read_outside_the_locations_folder()
    {
        var secret = Write("outside/secret.txt", "TOP-SECRET");
        var root = Write("inside/catalog-info.yaml", $"""
            apiVersion: backstage.io/v1alpha1
            kind: API
            metadata:
              name: sneaky-api
            spec:
              type: openapi
              lifecycle: production
              owner: team-x
              definition:
                $text: ../outside/secret.txt
            ---
            apiVersion: backstage.io/v1alpha1
            kind: Location
            metadata:
              name: sneaky-location
            spec:
              targets: [../outside/secret.txt, {secret}]
            """);
        using var admin = factory.AdminClient();

        var response = await admin.PostAsJsonAsync("/api/catalog/locations", new { type = "file", target = root });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("TOP-SECRET", text, StringComparison.Ordinal);
        Assert.Contains("outside the location", text, StringComparison.Ordinal);
        await using var db = await factory.DbAsync();
        var api = await db.CatalogEntities.SingleAsync(e => e.EntityRef == "api:default/sneaky-api");
        Assert.DoesNotContain("TOP-SECRET", api.Document.RootElement.GetRawText(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("url", "https://127.0.0.1/catalog-info.yaml", "AllowedUrlHosts")]
    [InlineData("url", "http://example.com/catalog-info.yaml", "https")]
    [InlineData("file", "relative/path.yaml", "absolute path")]
    [InlineData("ftp", "/x", "file, git or url")]
    [InlineData("git", "--upload-pack=touch /tmp/pwned", "not a URL")]
    [InlineData("git", "ext::sh -c touch% /tmp/pwned", "git clone failed")]
    public async Task Unsafe_or_unusable_locations_are_refused_with_a_reason(string type, string target, string reason)
    {
        using var admin = factory.AdminClient();

        var response = await admin.PostAsJsonAsync("/api/catalog/locations", new { type, target });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(reason, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False(File.Exists("/tmp/pwned"));
    }

    [Fact]
    public async Task A_git_location_follows_commits_and_flags_what_was_deleted_as_orphan()
    {
        var repo = Path.Combine(_files.Root, "repo");
        Directory.CreateDirectory(repo);
        Git(repo, "init", "-q", "-b", "main");
        File.WriteAllText(Path.Combine(repo, "catalog-info.yaml"), """
            apiVersion: backstage.io/v1alpha1
            kind: Location
            metadata:
              name: repo-root
            spec:
              targets: [./svc-a.yaml, ./svc-b.yaml]
            """);
        File.WriteAllText(Path.Combine(repo, "svc-a.yaml"), Component("git-svc-a").Replace("lifecycle: production", "lifecycle: experimental", StringComparison.Ordinal));
        File.WriteAllText(Path.Combine(repo, "svc-b.yaml"), Component("git-svc-b"));
        Git(repo, "add", "-A");
        Git(repo, "commit", "-q", "-m", "first");
        using var admin = factory.AdminClient();

        var created = await admin.PostAsJsonAsync("/api/catalog/locations", new { type = "git", target = "file://" + repo, branch = "main" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonObject>())!["location"]!["id"]!.GetValue<string>();
        Assert.Equal("experimental", await LifecycleAsync(admin, "git-svc-a"));

        File.WriteAllText(Path.Combine(repo, "svc-a.yaml"), Component("git-svc-a"));
        File.Delete(Path.Combine(repo, "svc-b.yaml"));
        Git(repo, "add", "-A");
        Git(repo, "commit", "-q", "-m", "promote a, remove b");
        var refreshed = await admin.PostAsync(new Uri($"/api/catalog/locations/{id}/refresh", UriKind.Relative), null);

        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        Assert.Equal("production", await LifecycleAsync(admin, "git-svc-a"));
        var b = await admin.GetFromJsonAsync<JsonObject>("/api/catalog/entities/by-name/component/default/git-svc-b");
        Assert.Equal("true", b!["metadata"]!["annotations"]!["backstage.io/orphan"]!.GetValue<string>());
        await AuditAssert.RecordedAsync(factory, "catalog.location.refresh", $"git:file://{repo}#main", "bootstrap-admin-token");
    }

    private static async Task<string> LifecycleAsync(HttpClient client, string name) =>
        (await client.GetFromJsonAsync<JsonObject>($"/api/catalog/entities/by-name/component/default/{name}"))!["spec"]!["lifecycle"]!.GetValue<string>();
}
