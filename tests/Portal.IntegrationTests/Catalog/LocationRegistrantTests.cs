using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Portal.Web.Features.Catalog;
using Portal.Web.Features.Identity;
using Portal.Web.Features.Templates;
using Portal.Web.Infrastructure.Git;
using static Portal.IntegrationTests.Templates.TemplateKit;

namespace Portal.IntegrationTests.Catalog;

/// <summary>
/// Issue 17, findings 1, 2 (the catalog side) and 14: a location imports only what its registrant may write. A member's
/// template run registers their new repository; whatever that repository holds, then or after a later push, cannot
/// define people or teams, nor claim (or take over) another team's entities. Admin-registered locations are unchanged.
/// </summary>
public sealed class LocationRegistrantTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>, IAsyncLifetime
{
    private const string TemplateRef = "template:default/trojan-service";
    private const string AnaEmail = "ana.silva@northwind.example";
    private string _ana = "";
    private string _eve = "";

    public async Task InitializeAsync()
    {
        await factory.SeedDemoAsync();
        (_, _ana) = await factory.UserWithTokenAsync("ana.silva", AnaEmail);
        (_, _eve) = await factory.UserWithTokenAsync("eve", "eve@outside.example");
        await using var db = await factory.DbAsync();
        if (!await db.CatalogEntities.AnyAsync(e => e.EntityRef == TemplateRef))
        {
            using var admin = factory.AdminClient();
            await RegisterAsync(admin, WriteTrojanTemplate(Path.Combine(factory.TemplatesFolder, "templates")));
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_template_registered_location_imports_neither_people_nor_teams_nor_another_teams_entities()
    {
        using var admin = factory.AdminClient();
        // Checkout's component, written through the API: the repository names it again to take it over.
        var ledger = await admin.PostAsJsonAsync("/api/catalog/entities", JsonNode.Parse("""
            {"apiVersion": "backstage.io/v1alpha1", "kind": "Component", "metadata": {"name": "trojan-ledger"},
             "spec": {"type": "documentation", "lifecycle": "production", "owner": "group:default/checkout"}}
            """));
        Assert.Equal(HttpStatusCode.Created, ledger.StatusCode);
        using var ana = factory.ClientWithToken(_ana);
        var anaBefore = await TeamsAsync("ana.silva", AnaEmail);

        var id = await CreateTaskAsync(ana, TemplateRef, new { name = "trojan" });
        var task = await WaitForAsync(ana, id, ScaffolderTaskStatus.Completed);

        await using var db = await factory.DbAsync();
        var location = await db.CatalogLocations.AsNoTracking().SingleAsync(l => l.RegisteredByTaskId == id);
        Assert.StartsWith("ana.silva (", location.CreatedBy, StringComparison.Ordinal); // her token
        Assert.False(location.RegistrantIsAdmin);
        Assert.False(location.TrustedForIdentity);
        Assert.Contains("group:default/payments", location.RegistrantTeams);
        var problems = Problems(location);
        Assert.Contains(problems, p => p.Ref == "group:default/trojan-crew" && p.Message.StartsWith("Group entities define team membership", StringComparison.Ordinal)
            && p.Message.Contains("a location a template registered", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Ref == "user:default/eve" && p.Message.StartsWith("User entities define team membership", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Ref == "component:default/trojan-shadow"
            && p.Message.StartsWith("The owner group:default/checkout is not a team the registrant ana.silva (", StringComparison.Ordinal)
            && p.Message.EndsWith($"(through template task {id}) may act for; the entity was not imported.", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Ref == "component:default/trojan-ledger" && p.Message.Contains("already exists and is owned by group:default/checkout", StringComparison.Ordinal));
        Assert.Contains(task.Log, l => l.StepId == "register" && l.Message.StartsWith("Catalog: group:default/trojan-crew: Group entities", StringComparison.Ordinal));

        // Only the requester's own component came in; the rest is not in the catalog, and the API entity is untouched.
        Assert.Equal(["component:default/trojan"], await db.CatalogEntities.Where(e => e.LocationId == location.Id).Select(e => e.EntityRef).ToListAsync());
        Assert.False(await db.CatalogEntities.AnyAsync(e => e.EntityRef == "group:default/trojan-crew" || e.EntityRef == "user:default/eve"
            || e.EntityRef == "component:default/trojan-shadow"));
        var kept = await db.CatalogEntities.AsNoTracking().SingleAsync(e => e.EntityRef == "component:default/trojan-ledger");
        Assert.Null(kept.LocationId);
        Assert.Equal("group:default/checkout", kept.Owner);

        // Nobody gained a team.
        Assert.Equal(anaBefore, await TeamsAsync("ana.silva", AnaEmail));
        Assert.Empty(await TeamsAsync("eve", "eve@outside.example"));
        using var eve = factory.ClientWithToken(_eve);
        Assert.Empty((await eve.GetFromJsonAsync<MeView>("/api/identity/me"))!.Teams);
        await AuditAssert.RecordedAsync(factory, "catalog.entity.import", "group:default/trojan-crew", "ana.silva", "denied");
        await AuditAssert.RecordedAsync(factory, "catalog.entity.import", "user:default/eve", "ana.silva", "denied");
        await AuditAssert.RecordedAsync(factory, "catalog.entity.import", "component:default/trojan-shadow", "ana.silva", "denied");
    }

    [Fact]
    public async Task A_later_push_to_the_requesters_repository_is_held_to_the_same_rules_at_every_refresh()
    {
        using var ana = factory.ClientWithToken(_ana);
        var anaBefore = await TeamsAsync("ana.silva", AnaEmail);
        var id = await CreateTaskAsync(ana, TemplateRef, new { name = "pushy" });
        var task = await WaitForAsync(ana, id, ScaffolderTaskStatus.Completed);
        var remote = task.Output!["links"]![0]!["url"]!.GetValue<string>();

        // The requester owns the repository: she pushes a Group that makes her part of platform, and takes over a checkout component.
        var clone = await CloneAsync(remote);
        try
        {
            await File.AppendAllTextAsync(Path.Combine(clone, "catalog-info.yaml"), """

                ---
                apiVersion: backstage.io/v1alpha1
                kind: Group
                metadata:
                  name: platform-friends
                spec:
                  type: team
                  parent: group:default/platform
                  members: [user:default/ana.silva]
                  children: []
                ---
                apiVersion: backstage.io/v1alpha1
                kind: Component
                metadata:
                  name: pushy-cart
                spec:
                  type: service
                  lifecycle: production
                  owner: group:default/checkout
                """);
            await GitCli.RunAsync(clone, CancellationToken.None, "-c", "user.name=Ana", "-c", "user.email=ana@example.com", "commit", "--quiet", "-am", "more");
            await GitCli.RunAsync(clone, CancellationToken.None, "push", "--quiet", "origin", "HEAD");
        }
        finally
        {
            Directory.Delete(clone, recursive: true);
        }
        await using var db = await factory.DbAsync();
        var locationId = await db.CatalogLocations.Where(l => l.RegisteredByTaskId == id).Select(l => l.Id).SingleAsync();
        using var admin = factory.AdminClient();

        // The scheduled refresh, twice: the refusal is a problem each time, but one audit record.
        for (var i = 0; i < 2; i++)
        {
            var refreshed = await admin.PostAsync(new Uri($"/api/catalog/locations/{locationId}/refresh", UriKind.Relative), null);
            Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        }

        var location = await db.CatalogLocations.AsNoTracking().SingleAsync(l => l.Id == locationId);
        Assert.Equal("warnings", location.Status);
        var problems = Problems(location);
        Assert.Contains(problems, p => p.Ref == "group:default/platform-friends" && p.Message.StartsWith("Group entities define team membership", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Ref == "component:default/pushy-cart" && p.Message.StartsWith("The owner group:default/checkout is not a team", StringComparison.Ordinal));
        // Her own entities (the component and its docs, owned by payments) are there; nothing else.
        Assert.Equal(["component:default/pushy", "component:default/pushy-ledger"],
            await db.CatalogEntities.Where(e => e.LocationId == locationId).OrderBy(e => e.EntityRef).Select(e => e.EntityRef).ToListAsync());
        Assert.False(await db.CatalogEntities.AnyAsync(e => e.EntityRef == "group:default/platform-friends" || e.EntityRef == "component:default/pushy-cart"));
        Assert.Equal(anaBefore, await TeamsAsync("ana.silva", AnaEmail));
        Assert.DoesNotContain("group:default/platform", (await ana.GetFromJsonAsync<MeView>("/api/identity/me"))!.Teams);
        Assert.Equal(1, await db.AuditEntries.CountAsync(a => a.Action == "catalog.entity.import" && a.Target == "group:default/platform-friends" && a.Outcome == "denied"));
    }

    [Fact]
    public async Task An_admin_registered_location_still_defines_people_and_teams_for_any_owner()
    {
        var folder = CatalogFolder();
        await File.WriteAllTextAsync(Path.Combine(folder, "catalog-info.yaml"), """
            apiVersion: backstage.io/v1alpha1
            kind: Group
            metadata:
              name: sre-guild
            spec:
              type: team
              parent: group:default/platform
              members: [user:default/dana.kim]
              children: []
            ---
            apiVersion: backstage.io/v1alpha1
            kind: Component
            metadata:
              name: sre-runbooks
            spec:
              type: documentation
              lifecycle: production
              owner: group:default/checkout
            """);
        using var admin = factory.AdminClient();

        var response = await admin.PostAsJsonAsync("/api/catalog/locations", new { type = "file", target = Path.Combine(folder, "catalog-info.yaml") });

        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        await using var db = await factory.DbAsync();
        var location = await db.CatalogLocations.AsNoTracking().SingleAsync(l => l.Target == Path.Combine(folder, "catalog-info.yaml"));
        Assert.True(location.TrustedForIdentity);
        Assert.True(location.RegistrantIsAdmin);
        Assert.Equal("ok", location.Status);
        Assert.Equal(2, location.EntityCount);
        Assert.Contains("group:default/sre-guild", await TeamsAsync("dana.kim", "dana.kim@northwind.example"));
        Assert.Contains("group:default/platform", await TeamsAsync("dana.kim", "dana.kim@northwind.example"));
    }

    [Fact]
    public async Task A_registration_a_crash_left_pending_is_registered_again_instead_of_409()
    {
        var folder = CatalogFolder();
        var file = Path.Combine(folder, "catalog-info.yaml");
        await File.WriteAllTextAsync(file, """
            apiVersion: backstage.io/v1alpha1
            kind: Component
            metadata:
              name: half-registered
            spec:
              type: service
              lifecycle: production
              owner: group:default/payments
            """);
        // What a kill -9 between storing the row and its first import left behind before the fix.
        await using (var db = await factory.DbAsync())
        {
            db.CatalogLocations.Add(new CatalogLocation { Type = "file", Target = file, CreatedAt = DateTimeOffset.UtcNow, CreatedBy = "someone" });
            await db.SaveChangesAsync();
        }
        using var admin = factory.AdminClient();

        var response = await admin.PostAsJsonAsync("/api/catalog/locations", new { type = "file", target = file });
        var again = await admin.PostAsJsonAsync("/api/catalog/locations", new { type = "file", target = file });

        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode); // a finished registration still answers 409
        await using var check = await factory.DbAsync();
        var location = await check.CatalogLocations.AsNoTracking().SingleAsync(l => l.Target == file);
        Assert.Equal("ok", location.Status);
        Assert.NotNull(location.LastRefreshAt);
        Assert.Equal("bootstrap-admin-token", location.CreatedBy.Split(' ')[0]);
        Assert.True(await check.CatalogEntities.AnyAsync(e => e.EntityRef == "component:default/half-registered" && e.LocationId == location.Id));
        await AuditAssert.RecordedAsync(factory, "catalog.location.create", $"file:{file}", "bootstrap-admin-token");
    }

    private string CatalogFolder()
    {
        var folder = Path.Combine(factory.TemplatesFolder, "locations", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        return folder;
    }

    private static List<(string? Ref, string Message)> Problems(CatalogLocation location) =>
        location.Errors!.RootElement.EnumerateArray().Select(p => (p.GetProperty("entityRef").GetString(), p.GetProperty("message").GetString()!)).ToList();

    private async Task<string[]> TeamsAsync(string userName, string email)
    {
        await using var db = await factory.DbAsync();
        var (_, teams) = await CatalogTeamDirectory.LoadAsync(db, userName, email, [], CancellationToken.None);
        return [.. teams.Order(StringComparer.Ordinal)];
    }

    /// <summary>
    /// A template whose new repository holds, besides the requester's component, what a member might try to smuggle in:
    /// a team under checkout with the requester in it, an outsider's User in platform, a component for checkout and one
    /// that names checkout's existing component. Nothing comes from parameters: this is about the location, not escaping.
    /// </summary>
    private static string WriteTrojanTemplate(string folder)
    {
        var root = Path.Combine(folder, "trojan-service");
        Directory.CreateDirectory(Path.Combine(root, "skeleton"));
        File.WriteAllText(Path.Combine(root, "template.yaml"), """
            apiVersion: scaffolder.backstage.io/v1beta3
            kind: Template
            metadata:
              name: trojan-service
            spec:
              owner: group:default/platform
              type: service
              parameters:
                - title: Service
                  required: [name]
                  properties:
                    name: {title: Name, type: string, pattern: '^[a-z][a-z0-9-]{2,30}$'}
              steps:
                - id: fetch
                  action: fetch:template
                  input:
                    url: ./skeleton
                    values:
                      name: ${{ parameters.name }}
                - id: publish
                  action: publish:git
                  input:
                    repoUrl: portal?owner=payments&repo=${{ parameters.name }}
                - id: register
                  action: catalog:register
                  input:
                    repoContentsUrl: ${{ steps['publish'].output.repoContentsUrl }}
              output:
                links:
                  - title: Repository
                    url: ${{ steps['publish'].output.remoteUrl }}
            """);
        File.WriteAllText(Path.Combine(root, "skeleton", "catalog-info.yaml"), """
            apiVersion: backstage.io/v1alpha1
            kind: Component
            metadata:
              name: ${{ values.name }}
            spec:
              type: service
              lifecycle: experimental
              owner: group:default/payments
            ---
            apiVersion: backstage.io/v1alpha1
            kind: Component
            metadata:
              name: ${{ values.name }}-shadow
            spec:
              type: service
              lifecycle: experimental
              owner: group:default/checkout
            ---
            apiVersion: backstage.io/v1alpha1
            kind: Group
            metadata:
              name: ${{ values.name }}-crew
            spec:
              type: team
              parent: group:default/checkout
              members: [user:default/ana.silva]
              children: []
            ---
            apiVersion: backstage.io/v1alpha1
            kind: User
            metadata:
              name: eve
            spec:
              profile:
                email: eve@outside.example
              memberOf: [group:default/platform]
            ---
            apiVersion: backstage.io/v1alpha1
            kind: Component
            metadata:
              name: ${{ values.name }}-ledger
            spec:
              type: documentation
              lifecycle: production
              owner: group:default/payments
            """);
        return Path.Combine(root, "template.yaml");
    }
}
