using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Web.Features.Identity;
using Portal.Web.Features.Catalog;
using Portal.Web.Features.Environments;
using Portal.Web.Features.Templates;

namespace Portal.IntegrationTests.Identity;

/// <summary>Roles × actions over the real API and database, with the demo organisation's teams.</summary>
public sealed class AuthorizationMatrixTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>, IAsyncLifetime
{
    private string _payments = "";   // ana.silva: member of the payments team
    private string _checkout = "";   // dana.kim: member of the checkout team
    private string _viewer = "";     // signed in, in no team
    private string _approver = "";   // approver role, in no team
    private string _narrow = "";     // payments member's token without catalog scopes
    private string _chen = "";       // payments member and approver

    public async Task InitializeAsync()
    {
        await factory.SeedDemoAsync();
        (_, _payments) = await factory.UserWithTokenAsync("ana.silva", "ana.silva@northwind.example");
        (_, _checkout) = await factory.UserWithTokenAsync("dana", "Dana.Kim@northwind.example"); // found by e-mail, case-insensitive
        (_, _viewer) = await factory.UserWithTokenAsync("visitor");
        (_, _approver) = await factory.UserWithTokenAsync("approver-1", roles: [PortalRoles.Approver]);
        (_, _narrow) = await factory.UserWithTokenAsync("ben.okafor", scopes: [PortalScopes.EnvironmentsWrite]);
        (_, _chen) = await factory.UserWithTokenAsync("chen.wei", roles: [PortalRoles.Approver]);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Team_membership_comes_from_catalog_groups_including_parents()
    {
        using var client = factory.ClientWithToken(_checkout);

        var me = await client.GetFromJsonAsync<MeView>("/api/identity/me");

        Assert.Equal("user:default/dana.kim", me!.CatalogUser);
        Assert.Equal(["group:default/checkout", "group:default/northwind"], me.Teams);
    }

    [Theory]
    [InlineData("payments", "refund-service", HttpStatusCode.NoContent)]
    [InlineData("checkout", "wallet-adapter", HttpStatusCode.Forbidden)]   // another team's component
    [InlineData("viewer", "payout-scheduler", HttpStatusCode.Forbidden)]
    [InlineData("approver", "payout-scheduler", HttpStatusCode.Forbidden)] // approving is not owning
    [InlineData("narrow", "payout-scheduler", HttpStatusCode.Forbidden)]   // token lacks catalog:write
    [InlineData("admin", "fraud-scoring", HttpStatusCode.NoContent)]
    public async Task Only_the_owning_team_or_an_admin_removes_a_component(string who, string component, HttpStatusCode expected)
    {
        using var client = Client(who);

        var response = await client.DeleteAsync(new Uri($"/api/catalog/entities/by-name/component/default/{component}", UriKind.Relative));

        Assert.Equal(expected, response.StatusCode);
        await using var db = await factory.DbAsync();
        var stillThere = db.CatalogEntities.Any(e => e.EntityRef == $"component:default/{component}");
        Assert.Equal(expected != HttpStatusCode.NoContent, stillThere);
        if (who != "narrow")
        {
            await AuditAssert.RecordedAsync(factory, "catalog.entity.delete", $"component:default/{component}",
                who == "admin" ? "bootstrap-admin-token" : Name(who), expected == HttpStatusCode.NoContent ? "success" : "denied");
        }
    }

    [Theory]
    [InlineData("payments", HttpStatusCode.Forbidden)]
    [InlineData("approver", HttpStatusCode.Forbidden)]
    [InlineData("viewer", HttpStatusCode.Forbidden)]
    [InlineData("admin", HttpStatusCode.OK)]
    public async Task Only_admins_manage_users_and_read_the_audit_log(string who, HttpStatusCode expected)
    {
        using var client = Client(who);

        Assert.Equal(expected, (await client.GetAsync(new Uri("/api/identity/users", UriKind.Relative))).StatusCode);
        Assert.Equal(expected, (await client.GetAsync(new Uri("/api/admin/audit", UriKind.Relative))).StatusCode);
        var create = await client.PostAsJsonAsync("/api/identity/users", new CreateUserRequest($"new-{who}", null, null, "a-long-password-1", []));
        Assert.Equal(expected == HttpStatusCode.OK ? HttpStatusCode.Created : expected, create.StatusCode);
    }

    [Theory]
    [InlineData("payments", HttpStatusCode.Forbidden)]
    [InlineData("admin", HttpStatusCode.Created)]
    public async Task Only_admins_create_service_tokens(string who, HttpStatusCode expected)
    {
        using var client = Client(who);

        var response = await client.PostAsJsonAsync("/api/identity/tokens",
            new CreateTokenRequest("otel-exporter", ApiTokenKind.Service, [PortalScopes.SloIngest], ["checkout-service"], 30));

        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task A_token_without_catalog_read_cannot_read_the_catalog()
    {
        using var narrow = Client("narrow");
        using var viewer = Client("viewer");

        Assert.Equal(HttpStatusCode.Forbidden, (await narrow.GetAsync(new Uri("/api/catalog/figures", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync(new Uri("/api/catalog/figures", UriKind.Relative))).StatusCode);
    }

    [Theory]
    [InlineData("payments", HttpStatusCode.Created)]
    [InlineData("narrow", HttpStatusCode.Created)]     // environments:write is all it takes
    [InlineData("checkout", HttpStatusCode.Forbidden)] // another team's component
    [InlineData("viewer", HttpStatusCode.Forbidden)]
    [InlineData("approver", HttpStatusCode.Forbidden)] // approving is not owning
    [InlineData("admin", HttpStatusCode.Created)]
    public async Task Only_the_owning_team_or_an_admin_requests_an_environment_for_a_component(string who, HttpStatusCode expected)
    {
        using var client = Client(who);

        // prod waits for approval, so nothing is provisioned by this test
        var response = await client.PostAsJsonAsync("/api/environments",
            new Portal.Web.Features.Environments.EnvironmentRequest($"matrix-{who}", "payout-scheduler", "prod", "medium"));

        Assert.Equal(expected, response.StatusCode);
        await using var db = await factory.DbAsync();
        Assert.Equal(expected == HttpStatusCode.Created, db.Environments.Any(e => e.Name == $"matrix-{who}"));
        await AuditAssert.RecordedAsync(factory, "environment.request", $"environment:matrix-{who}",
            who == "admin" ? "bootstrap-admin-token" : Name(who), expected == HttpStatusCode.Created ? "success" : "denied");
    }

    [Theory]
    [InlineData("self", HttpStatusCode.Forbidden)]      // an approver may not approve their own request
    [InlineData("payments", HttpStatusCode.Forbidden)]  // a team member who is no approver
    [InlineData("checkout", HttpStatusCode.Forbidden)]
    [InlineData("approver", HttpStatusCode.OK)]
    public async Task A_prod_request_is_approved_only_by_an_approver_who_did_not_make_it(string who, HttpStatusCode expected)
    {
        using var chen = factory.ClientWithToken(_chen);
        var created = await chen.PostAsJsonAsync("/api/environments",
            new Portal.Web.Features.Environments.EnvironmentRequest($"approve-{who}", "payment-gateway", "prod", "medium"));
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var id = (await created.Content.ReadFromJsonAsync<Portal.Web.Features.Environments.EnvironmentSummary>())!.Id;
        using var client = who == "self" ? factory.ClientWithToken(_chen) : Client(who);

        var response = await client.PostAsJsonAsync($"/api/environments/{id}/approve", new Portal.Web.Features.Environments.DecisionRequest(null));

        Assert.Equal(expected, response.StatusCode);
        await AuditAssert.RecordedAsync(factory, "environment.approve", $"environment:approve-{who}",
            who == "self" ? "chen.wei" : Name(who), expected == HttpStatusCode.OK ? "success" : "denied");
    }

    [Theory]
    [InlineData("payments", "Group", HttpStatusCode.Forbidden)] // a team under checkout with herself in it
    [InlineData("payments", "User", HttpStatusCode.Forbidden)]  // a User in checkout with her own e-mail
    [InlineData("checkout", "Group", HttpStatusCode.Forbidden)]
    [InlineData("approver", "User", HttpStatusCode.Forbidden)]
    [InlineData("viewer", "Group", HttpStatusCode.Forbidden)]
    [InlineData("admin", "Group", HttpStatusCode.Created)]
    [InlineData("admin", "User", HttpStatusCode.Created)]
    public async Task Only_admins_write_people_and_teams_through_the_entity_api(string who, string kind, HttpStatusCode expected)
    {
        using var client = Client(who);
        var name = $"matrix-{who}-{kind.ToLowerInvariant()}";
        var spec = kind == "Group"
            ? $$"""{"type": "team", "parent": "group:default/checkout", "members": ["user:default/{{Name(who)}}"], "children": []}"""
            : $$"""{"profile": {"email": "{{name}}@northwind.example"}, "memberOf": ["group:default/checkout"]}""";

        var response = await client.PostAsJsonAsync("/api/catalog/entities", System.Text.Json.Nodes.JsonNode.Parse(
            $$"""{"apiVersion": "backstage.io/v1alpha1", "kind": "{{kind}}", "metadata": {"name": "{{name}}"}, "spec": {{spec}}}"""));

        Assert.Equal(expected, response.StatusCode);
        var entityRef = $"{kind.ToLowerInvariant()}:default/{name}";
        await using var db = await factory.DbAsync();
        Assert.Equal(expected == HttpStatusCode.Created, db.CatalogEntities.Any(e => e.EntityRef == entityRef));
        await AuditAssert.RecordedAsync(factory, expected == HttpStatusCode.Created ? "catalog.entity.create" : "catalog.entity.upsert", entityRef,
            who == "admin" ? "bootstrap-admin-token" : Name(who), expected == HttpStatusCode.Created ? "success" : "denied");
    }

    [Theory]
    [InlineData("payments", "group:default/payments", true)]
    [InlineData("payments", "group:default/checkout", false)] // another team's
    [InlineData("checkout", "group:default/payments", false)]
    [InlineData("viewer", "group:default/payments", false)]   // in no team
    [InlineData("admin", "group:default/checkout", true)]     // admins act for every team
    public async Task A_location_entity_claims_only_an_owner_its_registrant_may_act_for(string who, string owner, bool imported)
    {
        // The registrant's facts as a task captures them when a member runs a template: their teams from the trusted membership.
        using var client = Client(who);
        var me = (await client.GetFromJsonAsync<MeView>("/api/identity/me"))!;
        var registrant = new Portal.Web.Features.Catalog.LocationRegistrant(Name(who), null, me.Roles.Contains(PortalRoles.Admin), me.Teams, Guid.NewGuid());
        var name = $"matrix-owned-{who}-{owner.Split('/')[1]}";
        var folder = Path.Combine(factory.TemplatesFolder, "matrix", name);
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, "catalog-info.yaml");
        await File.WriteAllTextAsync(file, $"""
            apiVersion: backstage.io/v1alpha1
            kind: Component
            metadata:
              name: {name}
            spec:
              type: service
              lifecycle: experimental
              owner: {owner}
            """);
        var options = new Portal.Web.Features.Catalog.CatalogOptions();

        await using var db = await factory.DbAsync();
        var outcome = await Portal.Web.Features.Catalog.CatalogLocations.RegisterAsync(db, new Portal.Web.Features.Catalog.Ingestion.LocationReader(options), options,
            TimeProvider.System, new AuditActor("user", Name(who), null), registrant, new Portal.Web.Features.Catalog.RegisterLocationRequest("file", file, null, null),
            dryRun: false, CancellationToken.None);

        Assert.Empty(outcome.Errors);
        Assert.Equal(imported, db.CatalogEntities.Any(e => e.EntityRef == $"component:default/{name}"));
        if (!imported)
        {
            Assert.Contains(outcome.Result!.Problems, p => p.EntityRef == $"component:default/{name}"
                && p.Message.StartsWith($"The owner {owner} is not a team the registrant {Name(who)}", StringComparison.Ordinal));
            await AuditAssert.RecordedAsync(factory, "catalog.entity.import", $"component:default/{name}", Name(who), "denied");
        }
    }

    [Theory]
    [InlineData("payments", "group:default/payments", HttpStatusCode.OK)]
    [InlineData("payments", "group:default/checkout", HttpStatusCode.BadRequest)]      // a team they are not in
    [InlineData("viewer", "group:default/payments", HttpStatusCode.BadRequest)]        // in no team
    [InlineData("payments", "group:default/no-such-team", HttpStatusCode.BadRequest)]  // the picked entity must exist
    [InlineData("payments", "component:default/refund-service", HttpStatusCode.BadRequest)] // of a kind the picker accepts
    [InlineData("admin", "group:default/checkout", HttpStatusCode.OK)]                 // admins may pick any team
    public async Task A_template_owner_must_be_an_existing_team_of_the_person_running_it(string who, string owner, HttpStatusCode expected)
    {
        await EnsureMatrixTemplateAsync();
        using var client = Client(who);
        var values = new { name = $"matrix-{who}-svc", owner };
        await using var before = await factory.DbAsync();
        var tasksBefore = await before.ScaffolderTasks.CountAsync();

        var dryRun = await client.PostAsJsonAsync("/api/templates/default/matrix-template/dry-run", new { values });
        // The real run refuses the same values; one that passes is not started here (nothing to publish in this matrix).
        var created = expected == HttpStatusCode.OK ? null : await client.PostAsJsonAsync("/api/scaffolder/tasks", new { templateRef = "template:default/matrix-template", values });

        Assert.Equal(expected, dryRun.StatusCode);
        if (created is not null)
        {
            Assert.Equal(HttpStatusCode.BadRequest, created.StatusCode);
            Assert.Contains("\"owner\"", await created.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            await using var after = await factory.DbAsync();
            Assert.Equal(tasksBefore, await after.ScaffolderTasks.CountAsync());
            await AuditAssert.RecordedAsync(factory, "scaffolder.task.create", "template:default/matrix-template", Name(who), "denied");
        }
    }

    private async Task EnsureMatrixTemplateAsync()
    {
        await using var db = await factory.DbAsync();
        if (!await db.CatalogEntities.AnyAsync(e => e.EntityRef == "template:default/matrix-template"))
        {
            using var admin = factory.AdminClient();
            await Portal.IntegrationTests.Templates.TemplateKit.RegisterAsync(admin,
                Portal.IntegrationTests.Templates.TemplateKit.WriteServiceTemplate(Path.Combine(factory.TemplatesFolder, "matrix-template"), "matrix-template"));
        }
    }

    private HttpClient Client(string who) => who switch
    {
        "payments" => factory.ClientWithToken(_payments),
        "checkout" => factory.ClientWithToken(_checkout),
        "viewer" => factory.ClientWithToken(_viewer),
        "approver" => factory.ClientWithToken(_approver),
        "narrow" => factory.ClientWithToken(_narrow),
        "admin" => factory.AdminClient(),
        _ => throw new ArgumentOutOfRangeException(nameof(who)),
    };

    private static string Name(string who) => who switch
    {
        "payments" => "ana.silva",
        "checkout" => "dana",
        "viewer" => "visitor",
        "approver" => "approver-1",
        "narrow" => "ben.okafor",
        _ => who,
    };
}
