using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Portal.Web.Features.Environments;
using Portal.Web.Features.Identity;
using Portal.Web.Features.Catalog;

namespace Portal.IntegrationTests.Identity;

/// <summary>
/// Issue 17, finding 1: a team member must not grant themselves (or anyone) a team by writing Group or User
/// entities through the catalog API. Each attack goes through the real API with the member's own token.
/// </summary>
public sealed class TeamAuthorityTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>, IAsyncLifetime
{
    private const string ApiVersion = "backstage.io/v1alpha1";
    private const string AnaEmail = "ana.silva@northwind.example";
    private string _ana = "";   // payments
    private string _eve = "";   // an outsider: signed in, in no team

    public async Task InitializeAsync()
    {
        await factory.SeedDemoAsync();
        (_, _ana) = await factory.UserWithTokenAsync("ana.silva", AnaEmail);
        (_, _eve) = await factory.UserWithTokenAsync("eve", "eve@outside.example");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_member_posting_a_group_that_makes_them_part_of_checkout_is_refused()
    {
        using var ana = factory.ClientWithToken(_ana);
        var before = await TeamsAsync("ana.silva", AnaEmail);

        var response = await ana.PostAsJsonAsync("/api/catalog/entities", Json("""
            {"apiVersion": "backstage.io/v1alpha1", "kind": "Group", "metadata": {"name": "checkout-helpers"},
             "spec": {"type": "team", "parent": "group:default/checkout", "members": ["user:default/ana.silva"], "children": []}}
            """));

        await AssertRefusedAsync(response, "Group entities define team membership");
        await AssertNotStoredAsync("group:default/checkout-helpers");
        Assert.Equal(before, await TeamsAsync("ana.silva", AnaEmail));
        Assert.DoesNotContain("group:default/checkout", await MeTeamsAsync(ana));
        await AuditAssert.RecordedAsync(factory, "catalog.entity.upsert", "group:default/checkout-helpers", "ana.silva", "denied");
        // And so she still cannot act for checkout: its components stay out of reach.
        var environment = await ana.PostAsJsonAsync("/api/environments", new EnvironmentRequest("sneaky-cart", "cart-service", "prod", "medium"));
        Assert.Equal(HttpStatusCode.Forbidden, environment.StatusCode);
    }

    [Fact]
    public async Task A_member_posting_a_user_with_memberOf_or_someone_elses_email_is_refused()
    {
        using var ana = factory.ClientWithToken(_ana);
        var anaBefore = await TeamsAsync("ana.silva", AnaEmail);

        // A second User with her own e-mail that joins checkout, and one that hands an outsider the platform team.
        var self = await ana.PostAsJsonAsync("/api/catalog/entities", Json("""
            {"apiVersion": "backstage.io/v1alpha1", "kind": "User", "metadata": {"name": "ana-alt"},
             "spec": {"profile": {"email": "ana.silva@northwind.example"}, "memberOf": ["group:default/checkout"]}}
            """));
        var outsider = await ana.PostAsJsonAsync("/api/catalog/entities", Json("""
            {"apiVersion": "backstage.io/v1alpha1", "kind": "User", "metadata": {"name": "eve"},
             "spec": {"profile": {"email": "eve@outside.example"}, "memberOf": ["group:default/platform"]}}
            """));

        await AssertRefusedAsync(self, "User entities define team membership");
        await AssertRefusedAsync(outsider, "User entities define team membership");
        await AssertNotStoredAsync("user:default/ana-alt");
        await AssertNotStoredAsync("user:default/eve");
        Assert.Equal(anaBefore, await TeamsAsync("ana.silva", AnaEmail));
        Assert.Empty(await TeamsAsync("eve", "eve@outside.example"));
        using var eve = factory.ClientWithToken(_eve);
        Assert.Empty(await MeTeamsAsync(eve));
        await AuditAssert.RecordedAsync(factory, "catalog.entity.upsert", "user:default/ana-alt", "ana.silva", "denied");
        await AuditAssert.RecordedAsync(factory, "catalog.entity.upsert", "user:default/eve", "ana.silva", "denied");
    }

    [Fact]
    public async Task A_member_cannot_change_or_delete_an_existing_group_but_an_admin_can_write_one()
    {
        using var admin = factory.AdminClient();
        using var ana = factory.ClientWithToken(_ana);
        var guild = new JsonObject
        {
            ["apiVersion"] = ApiVersion, ["kind"] = "Group", ["metadata"] = new JsonObject { ["name"] = "dotnet-guild" },
            ["spec"] = new JsonObject { ["type"] = "team", ["children"] = new JsonArray(), ["members"] = new JsonArray("user:default/dana.kim") },
        };

        // An admin writes people and teams through the API, and they count.
        var created = await admin.PostAsJsonAsync("/api/catalog/entities", guild);
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        Assert.Contains("group:default/dotnet-guild", await TeamsAsync("dana.kim", "dana.kim@northwind.example"));
        await AuditAssert.RecordedAsync(factory, "catalog.entity.create", "group:default/dotnet-guild", "bootstrap-admin-token");
        var anaBefore = await TeamsAsync("ana.silva", AnaEmail);
        await using var db0 = await factory.DbAsync();
        var stored = (await db0.CatalogEntities.AsNoTracking().SingleAsync(e => e.EntityRef == "group:default/dotnet-guild")).Document.RootElement.GetRawText();

        // The member adds herself, then tries to remove the group.
        var changed = guild.DeepClone().AsObject();
        changed["spec"]!["members"]!.AsArray().Add("user:default/ana.silva");
        var change = await ana.PostAsJsonAsync("/api/catalog/entities", changed);
        var delete = await ana.DeleteAsync(new Uri("/api/catalog/entities/by-name/group/default/dotnet-guild", UriKind.Relative));

        await AssertRefusedAsync(change, "Group entities define team membership");
        await AssertRefusedAsync(delete, "Group entities define team membership");
        await using var db = await factory.DbAsync();
        var after = await db.CatalogEntities.AsNoTracking().SingleAsync(e => e.EntityRef == "group:default/dotnet-guild");
        Assert.Equal(stored, after.Document.RootElement.GetRawText());
        Assert.Equal(anaBefore, await TeamsAsync("ana.silva", AnaEmail));
        await AuditAssert.RecordedAsync(factory, "catalog.entity.upsert", "group:default/dotnet-guild", "ana.silva", "denied");
        await AuditAssert.RecordedAsync(factory, "catalog.entity.delete", "group:default/dotnet-guild", "ana.silva", "denied");

        // Deleting one stays an admin's act.
        var removed = await admin.DeleteAsync(new Uri("/api/catalog/entities/by-name/group/default/dotnet-guild", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        Assert.DoesNotContain("group:default/dotnet-guild", await TeamsAsync("dana.kim", "dana.kim@northwind.example"));
    }

    [Fact]
    public async Task Groups_and_users_from_an_untrusted_source_do_not_count_for_membership()
    {
        // What a member could write before the fix (or any path that skips the checks): stored, but not trusted.
        using var admin = factory.AdminClient();
        var response = await admin.PostAsJsonAsync("/api/catalog/entities", Json("""
            {"apiVersion": "backstage.io/v1alpha1", "kind": "Group", "metadata": {"name": "legacy-crew"},
             "spec": {"type": "team", "parent": "group:default/checkout", "members": ["user:default/ben.okafor"], "children": []}}
            """));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Contains("group:default/checkout", await TeamsAsync("ben.okafor", "ben.okafor@northwind.example"));
        await using (var db = await factory.DbAsync())
        {
            await db.CatalogEntities.Where(e => e.EntityRef == "group:default/legacy-crew").ExecuteUpdateAsync(s => s.SetProperty(e => e.TrustedForIdentity, false));
        }

        Assert.DoesNotContain("group:default/checkout", await TeamsAsync("ben.okafor", "ben.okafor@northwind.example"));
        Assert.Contains("group:default/payments", await TeamsAsync("ben.okafor", "ben.okafor@northwind.example"));
    }

    private static JsonObject Json(string json) => JsonNode.Parse(json)!.AsObject();

    /// <summary>The membership as sign-in resolves it, read from the database (the claims cache would hide a change for 30 s).</summary>
    private async Task<string[]> TeamsAsync(string userName, string email)
    {
        await using var db = await factory.DbAsync();
        var (_, teams) = await TeamMembership.LoadAsync(db, userName, email, [], CancellationToken.None);
        return [.. teams.Order(StringComparer.Ordinal)];
    }

    private static async Task<string[]> MeTeamsAsync(HttpClient client) =>
        (await client.GetFromJsonAsync<MeView>("/api/identity/me"))!.Teams;

    private static async Task AssertRefusedAsync(HttpResponseMessage response, string reason)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{(int)response.StatusCode}: {body}");
        Assert.StartsWith("application/problem+json", response.Content.Headers.ContentType?.ToString(), StringComparison.Ordinal);
        var problem = JsonNode.Parse(body)!;
        Assert.Contains(reason, problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("only admins", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    private async Task AssertNotStoredAsync(string entityRef)
    {
        await using var db = await factory.DbAsync();
        Assert.False(await db.CatalogEntities.AnyAsync(e => e.EntityRef == entityRef), $"{entityRef} was stored");
        Assert.False(await db.CatalogRelations.AnyAsync(r => r.OriginRef == entityRef), $"relations of {entityRef} were stored");
    }
}
