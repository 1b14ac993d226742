using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Portal.Web.Features.Identity;
using static Portal.IntegrationTests.Catalog.CatalogFolder;
using Portal.Web.Features.Catalog;

namespace Portal.IntegrationTests.Catalog;

/// <summary>The catalog API's contract beyond the import: validate, upsert, locations (read, delete, refresh, glob, git path, substitutions) and who may do what.</summary>
public sealed class CatalogApiTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>, IAsyncLifetime, IDisposable
{
    private readonly CatalogFolder _files = new();
    private string _alpha = "";   // alice: member of team-alpha (catalog:read + catalog:write)
    private string _beta = "";    // bob: member of team-beta
    private string _reader = "";  // a token with catalog:read only

    public async Task InitializeAsync()
    {
        // Teams come from catalog Groups and Users, so they exist before alice and bob make their first call.
        using var admin = factory.AdminClient();
        foreach (var (user, team) in new[] { ("alice", "team-alpha"), ("bob", "team-beta") })
        {
            await UpsertAsync(admin, new { apiVersion = ApiVersion, kind = "Group", metadata = new { name = team }, spec = new { type = "team", children = Array.Empty<string>() } });
            await UpsertAsync(admin, new { apiVersion = ApiVersion, kind = "User", metadata = new { name = user }, spec = new { memberOf = new[] { team } } });
        }
        (_, _alpha) = await factory.UserWithTokenAsync("alice");
        (_, _beta) = await factory.UserWithTokenAsync("bob");
        (_, _reader) = await factory.UserWithTokenAsync("reader", scopes: [PortalScopes.CatalogRead]);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _files.Dispose();

    private const string ApiVersion = "backstage.io/v1alpha1";

    private static async Task<HttpResponseMessage> UpsertAsync(HttpClient client, object entity)
    {
        var response = await client.PostAsJsonAsync("/api/catalog/entities", entity);
        Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK or HttpStatusCode.Forbidden or HttpStatusCode.Conflict,
            $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return response;
    }

    private static object ComponentBody(string name, string owner, string description) => new
    {
        apiVersion = ApiVersion, kind = "Component", metadata = new { name, description }, spec = new { type = "service", lifecycle = "production", owner },
    };

    private static async Task<JsonObject> RegisterAsync(HttpClient admin, object location)
    {
        var response = await admin.PostAsJsonAsync("/api/catalog/locations", location);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    /// <summary>The owner the folder's components name, so a clean location has no dangling reference (a warning).</summary>
    private static async Task AddOwnerTeamAsync(HttpClient admin)
    {
        var response = await admin.PostAsJsonAsync("/api/catalog/entities", JsonNode.Parse("""
            {"apiVersion":"backstage.io/v1alpha1","kind":"Group","metadata":{"name":"team-x"},"spec":{"type":"team","children":[]}}
            """));
        Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    private static async Task<HttpStatusCode> StatusOfEntityAsync(HttpClient client, string kind, string name) =>
        (await client.GetAsync(new Uri($"/api/catalog/entities/by-name/{kind}/default/{name}", UriKind.Relative))).StatusCode;

    private static List<string> Names(JsonObject registered) =>
        registered["entities"]!.AsArray().Select(e => e!["metadata"]!["name"]!.GetValue<string>()).Order(StringComparer.Ordinal).ToList();

    // ---- POST /validate ----

    [Fact]
    public async Task Validate_accepts_a_valid_entity_and_names_what_is_wrong_with_an_invalid_one()
    {
        using var client = factory.ClientWithToken(_reader); // validating changes nothing: catalog:read is enough

        var valid = await client.PostAsJsonAsync("/api/catalog/validate", ComponentBody("fine-service", "team-alpha", "ok"));
        var invalid = await client.PostAsJsonAsync("/api/catalog/validate", ComponentBody("Not Valid!", "team-alpha", "bad"));

        Assert.Equal(HttpStatusCode.OK, valid.StatusCode);
        var ok = (await valid.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.True(ok["valid"]!.GetValue<bool>());
        Assert.Empty(ok["errors"]!.AsArray());
        Assert.Equal(HttpStatusCode.OK, invalid.StatusCode);
        var bad = (await invalid.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.False(bad["valid"]!.GetValue<bool>());
        var error = Assert.Single(bad["errors"]!.AsArray())!.GetValue<string>();
        Assert.Contains("metadata.name 'Not Valid!'", error, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, await StatusOfEntityAsync(client, "component", "fine-service"));
    }

    [Theory]
    [InlineData("{\"kind\": \"Component\", ")]  // cut off
    [InlineData("not json at all")]
    [InlineData("[1, 2, 3]")]                    // JSON, but not an entity object
    public async Task Validate_answers_a_malformed_body_with_400_not_500(string body)
    {
        using var client = factory.ClientWithToken(_reader);

        var response = await client.PostAsync(new Uri("/api/catalog/validate", UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    // ---- POST /entities ----

    [Fact]
    public async Task The_owning_team_updates_its_entity_and_another_team_is_refused()
    {
        using var alice = factory.ClientWithToken(_alpha);
        using var bob = factory.ClientWithToken(_beta);

        var created = await UpsertAsync(alice, ComponentBody("alpha-billing", "team-alpha", "first"));
        var updated = await UpsertAsync(alice, ComponentBody("alpha-billing", "team-alpha", "second"));
        var foreign = await UpsertAsync(bob, ComponentBody("alpha-billing", "team-alpha", "bob was here"));
        var takeover = await UpsertAsync(bob, ComponentBody("alpha-billing", "team-beta", "now ours"));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.Equal("second", (await updated.Content.ReadFromJsonAsync<JsonObject>())!["metadata"]!["description"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Forbidden, foreign.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, takeover.StatusCode);
        var stored = await alice.GetFromJsonAsync<JsonObject>("/api/catalog/entities/by-name/component/default/alpha-billing");
        Assert.Equal("second", stored!["metadata"]!["description"]!.GetValue<string>());
        Assert.Contains(stored["relations"]!.AsArray(), r => r!["type"]!.GetValue<string>() == "ownedBy" && r["targetRef"]!.GetValue<string>() == "group:default/team-alpha");
        await AuditAssert.RecordedAsync(factory, "catalog.entity.update", "component:default/alpha-billing", "alice");
        await AuditAssert.RecordedAsync(factory, "catalog.entity.upsert", "component:default/alpha-billing", "bob", "denied");
    }

    [Fact]
    public async Task An_entity_a_location_manages_cannot_be_changed_through_the_api()
    {
        var file = _files.Write("managed/catalog-info.yaml", Component("alpha-managed", owner: "team-alpha"));
        using var admin = factory.AdminClient();
        using var alice = factory.ClientWithToken(_alpha);
        await RegisterAsync(admin, new { type = "file", target = file });

        var byOwner = await UpsertAsync(alice, ComponentBody("alpha-managed", "team-alpha", "changed"));
        var byAdmin = await UpsertAsync(admin, ComponentBody("alpha-managed", "team-alpha", "changed"));

        Assert.Equal(HttpStatusCode.Conflict, byOwner.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, byAdmin.StatusCode);
        Assert.Contains("managed by a location", await byOwner.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var stored = await admin.GetFromJsonAsync<JsonObject>("/api/catalog/entities/by-name/component/default/alpha-managed");
        Assert.Null(stored!["metadata"]!["description"]);
    }

    // ---- locations: who may manage them ----

    [Theory]
    [InlineData("team-member")] // catalog:read + catalog:write, not an admin
    [InlineData("reader")]
    public async Task Only_admins_register_delete_and_refresh_locations(string who)
    {
        var file = _files.Write($"roles-{who}/catalog-info.yaml", Component($"roles-{who}"));
        using var admin = factory.AdminClient();
        var id = (await RegisterAsync(admin, new { type = "file", target = file }))["location"]!["id"]!.GetValue<string>();
        using var client = factory.ClientWithToken(who == "reader" ? _reader : _alpha);
        var other = _files.Write($"roles-{who}/other.yaml", Component($"roles-{who}-other"));

        var register = await client.PostAsJsonAsync("/api/catalog/locations", new { type = "file", target = other });
        var dryRun = await client.PostAsJsonAsync("/api/catalog/locations?dryRun=true", new { type = "file", target = other });
        var delete = await client.DeleteAsync(new Uri($"/api/catalog/locations/{id}", UriKind.Relative));
        var refresh = await client.PostAsync(new Uri($"/api/catalog/locations/{id}/refresh", UriKind.Relative), null);
        var read = await client.GetAsync(new Uri($"/api/catalog/locations/{id}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Forbidden, register.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, dryRun.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, delete.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, refresh.StatusCode);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        await using var db = await factory.DbAsync();
        Assert.True(await db.CatalogLocations.AnyAsync(l => l.Id == Guid.Parse(id)));
        Assert.False(await db.CatalogLocations.AnyAsync(l => l.Target == other));
    }

    // ---- locations: read, refresh, delete ----

    [Fact]
    public async Task A_location_reads_back_by_id_and_a_refresh_records_when_how_long_and_how_many()
    {
        var root = _files.Write("fields/catalog-info.yaml", Component("fields-a") + "\n---\n" + Component("fields-b"));
        using var admin = factory.AdminClient();
        await AddOwnerTeamAsync(admin);
        var id = (await RegisterAsync(admin, new { type = "file", target = root }))["location"]!["id"]!.GetValue<string>();
        File.AppendAllText(root, "\n---\n" + Component("fields-c"));
        var before = DateTimeOffset.UtcNow;

        var refreshed = await admin.PostAsync(new Uri($"/api/catalog/locations/{id}/refresh", UriKind.Relative), null);
        var after = DateTimeOffset.UtcNow;
        var read = await admin.GetFromJsonAsync<JsonObject>($"/api/catalog/locations/{id}");

        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        Assert.Equal(JsonNode.Parse(await refreshed.Content.ReadAsStringAsync())!.ToJsonString(), read!.ToJsonString());
        Assert.Equal(id, read["id"]!.GetValue<string>());
        Assert.Equal("file", read["type"]!.GetValue<string>());
        Assert.Equal(root, read["target"]!.GetValue<string>());
        Assert.Equal("ok", read["status"]!.GetValue<string>());
        Assert.Equal(3, read["entityCount"]!.GetValue<int>());
        var at = read["lastRefreshAt"]!.GetValue<DateTimeOffset>();
        Assert.InRange(at, before.AddSeconds(-1), after.AddSeconds(1));
        Assert.InRange(read["lastRefreshMs"]!.GetValue<int>(), 0, (int)(after - before).TotalMilliseconds + 1);
        Assert.Empty(read["errors"]!.AsArray());
    }

    [Fact]
    public async Task Deleting_a_location_removes_its_entities_and_unknown_ids_are_404()
    {
        var root = _files.Write("gone/catalog-info.yaml", Component("gone-a") + "\n---\n" + Component("gone-b"));
        using var admin = factory.AdminClient();
        var id = (await RegisterAsync(admin, new { type = "file", target = root }))["location"]!["id"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.OK, await StatusOfEntityAsync(admin, "component", "gone-a"));

        var deleted = await admin.DeleteAsync(new Uri($"/api/catalog/locations/{id}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, await StatusOfEntityAsync(admin, "component", "gone-a"));
        Assert.Equal(HttpStatusCode.NotFound, await StatusOfEntityAsync(admin, "component", "gone-b"));
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync(new Uri($"/api/catalog/locations/{id}", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync(new Uri($"/api/catalog/locations/{id}", UriKind.Relative))).StatusCode);
        var unknown = Guid.NewGuid();
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync(new Uri($"/api/catalog/locations/{unknown}", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync(new Uri($"/api/catalog/locations/{unknown}", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsync(new Uri($"/api/catalog/locations/{unknown}/refresh", UriKind.Relative), null)).StatusCode);
        await using var db = await factory.DbAsync();
        Assert.False(await db.CatalogRelations.AnyAsync(r => r.OriginRef == "component:default/gone-a"));
        await AuditAssert.RecordedAsync(factory, "catalog.location.delete", $"file:{root}", "bootstrap-admin-token");
    }

    [Fact]
    public async Task Registering_the_same_location_twice_at_the_same_moment_gives_one_201_and_one_409()
    {
        var root = _files.Write("race/catalog-info.yaml", Component("race-svc"));
        using var first = factory.AdminClient();
        using var second = factory.AdminClient();
        using var start = new ManualResetEventSlim();

        var attempts = new[] { first, second }.Select(client => Task.Run(async () =>
        {
            start.Wait();
            return await client.PostAsJsonAsync("/api/catalog/locations", new { type = "file", target = root });
        })).ToList();
        start.Set();
        var responses = await Task.WhenAll(attempts);

        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Conflict], responses.Select(r => r.StatusCode).Order());
        var conflict = await responses.Single(r => r.StatusCode == HttpStatusCode.Conflict).Content.ReadFromJsonAsync<JsonObject>();
        var created = await responses.Single(r => r.StatusCode == HttpStatusCode.Created).Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal(created!["location"]!["id"]!.GetValue<string>(), conflict!["location"]!["id"]!.GetValue<string>());
        Assert.Contains("already registered", conflict.ToJsonString(), StringComparison.Ordinal);
        await using var db = await factory.DbAsync();
        Assert.Equal(1, await db.CatalogLocations.CountAsync(l => l.Target == root));
    }

    // ---- what a location reads ----

    [Fact]
    public async Task A_file_location_with_a_glob_imports_every_matching_file_and_nothing_else()
    {
        _files.Write("glob/teams/a/catalog-info.yaml", Component("glob-a"));
        _files.Write("glob/teams/b/catalog-info.yaml", Component("glob-b") + "\n---\n" + Component("glob-b2"));
        _files.Write("glob/teams/c/catalog-info.yaml", Component("glob-c"));
        _files.Write("glob/teams/c/other.yaml", Component("glob-not-matched"));
        _files.Write("glob/elsewhere/catalog-info.yaml", Component("glob-elsewhere"));
        using var admin = factory.AdminClient();

        var registered = await RegisterAsync(admin, new { type = "file", target = Path.Combine(_files.Root, "glob/teams/*/catalog-info.yaml") });

        Assert.Equal(["glob-a", "glob-b", "glob-b2", "glob-c"], Names(registered));
        Assert.Equal(4, registered["location"]!["entityCount"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.OK, await StatusOfEntityAsync(admin, "component", "glob-b2"));
        Assert.Equal(HttpStatusCode.NotFound, await StatusOfEntityAsync(admin, "component", "glob-not-matched"));
        Assert.Equal(HttpStatusCode.NotFound, await StatusOfEntityAsync(admin, "component", "glob-elsewhere"));
    }

    [Fact]
    public async Task A_git_location_with_a_path_reads_only_that_file_of_the_repository()
    {
        var repo = Path.Combine(_files.Root, "monorepo");
        Directory.CreateDirectory(repo);
        Git(repo, "init", "-q", "-b", "main");
        _files.Write("monorepo/catalog-info.yaml", Component("mono-root"));
        _files.Write("monorepo/services/billing/catalog-info.yaml", Component("mono-billing"));
        _files.Write("monorepo/services/search/catalog-info.yaml", Component("mono-search"));
        Git(repo, "add", "-A");
        Git(repo, "commit", "-q", "-m", "three services");
        using var admin = factory.AdminClient();

        var registered = await RegisterAsync(admin, new { type = "git", target = "file://" + repo, branch = "main", path = "services/billing/catalog-info.yaml" });

        Assert.Equal(["mono-billing"], Names(registered));
        Assert.Equal("services/billing/catalog-info.yaml", registered["location"]!["path"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, await StatusOfEntityAsync(admin, "component", "mono-root"));
        Assert.Equal(HttpStatusCode.NotFound, await StatusOfEntityAsync(admin, "component", "mono-search"));
    }

    [Fact]
    public async Task Json_and_yaml_substitutions_in_a_file_location_are_parsed_into_the_entity()
    {
        _files.Write("subst/config/limits.json", """{"rps": 250, "regions": ["eu", "us"]}""");
        _files.Write("subst/runbook.yaml", "steps:\n  - drain\n  - restart\nowner: on-call\n");
        var root = _files.Write("subst/catalog-info.yaml", Component("subst-svc", extra: """
              limits:
                $json: ./config/limits.json
              runbook:
                $yaml: ./runbook.yaml
            """));
        using var admin = factory.AdminClient();
        await AddOwnerTeamAsync(admin);

        var registered = await RegisterAsync(admin, new { type = "file", target = root });

        Assert.Equal("ok", registered["location"]!["status"]!.GetValue<string>());
        var entity = await admin.GetFromJsonAsync<JsonObject>("/api/catalog/entities/by-name/component/default/subst-svc");
        Assert.Equal(250, entity!["spec"]!["limits"]!["rps"]!.GetValue<int>());
        Assert.Equal(["eu", "us"], entity["spec"]!["limits"]!["regions"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.Equal(["drain", "restart"], entity["spec"]!["runbook"]!["steps"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.Equal("on-call", entity["spec"]!["runbook"]!["owner"]!.GetValue<string>());
    }
}
