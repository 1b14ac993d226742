using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Web.Features.Catalog;
using Portal.Web.Features.Inbox;
using Portal.Web.Features.Templates;
using static Portal.IntegrationTests.Templates.TemplateKit;

namespace Portal.IntegrationTests.Templates;

/// <summary>
/// notification:send (into the portal's inbox) and http:backstage:request (the portal's own API, as the run's requester),
/// in dry runs and real runs over the real API, database and job queue; the requests attack it as a member.
/// </summary>
public sealed class TemplatePortalActionsTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>, IAsyncLifetime
{
    private string _ana = "";
    private string Folder => Path.Combine(factory.TemplatesFolder, "portal-actions");

    public async Task InitializeAsync()
    {
        await factory.SeedDemoAsync();
        (_, _ana) = await factory.UserWithTokenAsync("ana.silva", "ana.silva@northwind.example");
        await using var db = await factory.DbAsync();
        if (await db.CatalogEntities.AnyAsync(e => e.EntityRef == "template:default/api-call"))
        {
            return;
        }
        using var admin = factory.AdminClient();
        await RegisterAsync(admin, Write("api-call", """
              parameters:
                - properties:
                    method: {type: string, default: GET}
                    path: {type: string}
              steps:
                - id: call
                  name: Call
                  action: http:backstage:request
                  input:
                    method: ${{ parameters.method }}
                    path: ${{ parameters.path }}
                    params: {facet: kind}
              output:
                code: ${{ steps.call.output.code }}
                me: ${{ steps.call.output.body.name }}
                catalogUser: ${{ steps.call.output.body.catalogUser }}
            """));
        await RegisterAsync(admin, Write("api-crlf", """
              steps:
                - id: call
                  name: Call
                  action: http:backstage:request
                  input:
                    method: GET
                    path: /api/identity/me
                    headers:
                      X-Note: "a\r\nAuthorization: Bearer stolen"
            """));
        await RegisterAsync(admin, Write("api-admin-post", """
              parameters:
                - properties:
                    target: {type: string}
              steps:
                - id: call
                  name: Call
                  action: http:backstage:request
                  input:
                    method: POST
                    path: /api/catalog/locations
                    headers: {Content-Type: application/json}
                    body: {type: file, target: '${{ parameters.target }}'}
            """));
        await RegisterAsync(admin, Write("notify", """
              parameters:
                - properties:
                    name: {type: string}
                    recipients: {type: string, default: entity}
                    to: {type: string, default: 'group:default/payments'}
              steps:
                - id: notify
                  name: Notify
                  action: notification:send
                  input:
                    recipients: ${{ parameters.recipients }}
                    entityRefs: ['${{ parameters.to }}']
                    title: 'Service ${{ parameters.name }} created'
                    info: 'It is in the catalog.'
                    link: /catalog/default/component/${{ parameters.name }}
                    severity: high
                    scope: 'created-${{ parameters.name }}'
            """));
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private string Write(string name, string spec) => WriteTemplate(Folder, name, spec);

    private static async Task<DryRunResult> DryRunAsync(HttpClient client, string template, object values)
    {
        var response = await client.PostAsJsonAsync($"/api/templates/default/{template}/dry-run", new { values });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return (await response.Content.ReadFromJsonAsync<DryRunResult>())!;
    }

    private static string Errors(DryRunResult result) => string.Join("\n", result.Log.Where(l => l.Level == "error").Select(l => l.Message));

    [Fact]
    public async Task A_GET_runs_as_the_member_in_the_dry_run_and_the_real_run_and_hands_its_answer_to_the_output()
    {
        using var ana = factory.ClientWithToken(_ana);

        var dry = await DryRunAsync(ana, "api-call", new { path = "/api/identity/me" });
        var id = await CreateTaskAsync(ana, "template:default/api-call", new { path = "/identity/me" });
        var task = await WaitForAsync(ana, id, ScaffolderTaskStatus.Completed);

        Assert.Equal("", Errors(dry));
        foreach (var output in new[] { dry.Output!, task.Output! })
        {
            Assert.Equal("200", output["code"]!.ToString());
            Assert.Equal("ana.silva", output["me"]!.ToString());
            Assert.Equal("user:default/ana.silva", output["catalogUser"]!.ToString());
        }
        Assert.Contains(task.Log, l => l.Message == "Calling GET /api/identity/me?facet=kind.");
    }

    [Theory]
    [InlineData("https://evil.example/api/identity/me", "never a URL or another host")]
    [InlineData("http://127.0.0.1/api/identity/audit", "never a URL or another host")]
    [InlineData("//evil.example/api/identity/me", "never a URL or another host")]
    [InlineData("/api/catalog/%2e%2e/identity/audit", "contains '.' or '..'")]
    [InlineData("/api/catalog/%252E%252E/%252E%252E/health", "contains '.' or '..'")]
    [InlineData("/api/scaffolder/tasks", "cannot call the scaffolder's own API")]
    public async Task Urls_and_escapes_are_refused_by_the_dry_run_and_the_real_run_before_any_call(string path, string reason)
    {
        using var ana = factory.ClientWithToken(_ana);

        var dry = await DryRunAsync(ana, "api-call", new { path });
        var created = await ana.PostAsJsonAsync("/api/scaffolder/tasks", new { templateRef = "template:default/api-call", values = new { path } });

        Assert.Contains(reason, Errors(dry), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, created.StatusCode);
        Assert.Contains(reason, await created.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Authorization", "Bearer ptk_not-yours", "cannot be set")]
    [InlineData("Cookie", "portal.auth=stolen", "cannot be set")]
    [InlineData("Host", "evil.example", "cannot be set")]
    [InlineData("X-Forwarded-Host", "evil.example", "cannot be set")]
    public async Task Headers_that_would_change_who_calls_or_where_are_refused(string header, string value, string reason)
    {
        using var ana = factory.ClientWithToken(_ana);
        var name = "api-header-" + header.ToLowerInvariant();
        using (var admin = factory.AdminClient())
        {
            await RegisterAsync(admin, Write(name, $"""
                  steps:
                    - id: call
                      name: Call
                      action: http:backstage:request
                      input:
                        method: GET
                        path: /api/identity/me
                        headers:
                          {header}: '{value}'
                """));
        }

        var dry = await DryRunAsync(ana, name, new { });

        Assert.Contains($"the header '{header}' {reason}", Errors(dry), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_header_value_with_a_line_break_is_refused()
    {
        using var ana = factory.ClientWithToken(_ana);

        var dry = await DryRunAsync(ana, "api-crlf", new { });

        Assert.Contains("the header 'X-Note' contains a line break or control character.", Errors(dry), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_admin_only_endpoint_answers_the_member_403_and_the_admin_200_through_the_same_template()
    {
        using var ana = factory.ClientWithToken(_ana);
        using var admin = factory.AdminClient();
        var (_, adminToken) = await factory.UserWithTokenAsync("root.admin", "root.admin@northwind.example", roles: [Portal.Web.Features.Identity.PortalRoles.Admin],
            scopes: Portal.Web.Features.Identity.PortalScopes.All);
        using var rootAdmin = factory.ClientWithToken(adminToken);

        var asMember = await DryRunAsync(ana, "api-call", new { path = "/api/identity/audit" });
        var asAdmin = await DryRunAsync(rootAdmin, "api-call", new { path = "/api/identity/audit" });

        Assert.Contains("http:backstage:request: GET /api/identity/audit?facet=kind answered 403", Errors(asMember), StringComparison.Ordinal);
        Assert.Contains("the rights of the person who started the run", Errors(asMember), StringComparison.Ordinal);
        Assert.Equal("", Errors(asAdmin));
        Assert.Equal("200", asAdmin.Output!["code"]!.ToString());
    }

    [Fact]
    public async Task A_members_own_template_run_by_an_admin_acts_with_member_rights_only_cannot_change_roles_and_may_not_broadcast()
    {
        // ana (Payments) writes a template through the catalog API, as any member may for their team, and waits for an admin to run it.
        using var ana = factory.ClientWithToken(_ana);
        var (anaUser, _) = await factory.UserWithTokenAsync("ana.silva", "ana.silva@northwind.example");
        var name = "ana-helper-" + Guid.NewGuid().ToString("N")[..8];
        var written = await ana.PostAsJsonAsync("/api/catalog/entities", JsonNode.Parse("""
            {"apiVersion": "scaffolder.backstage.io/v1beta3", "kind": "Template", "metadata": {"name": "TEMPLATE-NAME"},
             "spec": {"owner": "group:default/payments", "type": "service",
               "parameters": {"properties": {"method": {"type": "string", "default": "GET"}, "path": {"type": "string"},
                                             "recipients": {"type": "string", "default": "entity"}}},
               "steps": [
                 {"id": "call", "name": "Call", "action": "http:backstage:request",
                  "input": {"method": "${{ parameters.method }}", "path": "${{ parameters.path }}", "headers": {"Content-Type": "application/json"},
                            "body": {"roles": ["admin"]}}},
                 {"id": "tell", "name": "Tell", "action": "notification:send",
                  "input": {"recipients": "${{ parameters.recipients }}", "entityRefs": ["group:default/payments"], "title": "Done"}}]}}
            """.Replace("TEMPLATE-NAME", name, StringComparison.Ordinal)));
        Assert.Equal(HttpStatusCode.Created, written.StatusCode);
        var (_, adminToken) = await factory.UserWithTokenAsync("root.admin", "root.admin@northwind.example", roles: [Portal.Web.Features.Identity.PortalRoles.Admin],
            scopes: Portal.Web.Features.Identity.PortalScopes.All);
        using var rootAdmin = factory.ClientWithToken(adminToken);

        // Reading: the admin's run reads with the admin's member rights only (the admin's own template gets 200, see above).
        var read = await DryRunAsync(rootAdmin, name, new { path = "/api/identity/audit" });
        Assert.Contains("GET /api/identity/audit answered 403", Errors(read), StringComparison.Ordinal);
        Assert.Contains("never acts with admin or approver rights", Errors(read), StringComparison.Ordinal);

        // Writing: the admin is not in Payments, so the template may not change anything through them; ana stays a member.
        var grant = new { method = "PUT", path = $"/api/identity/users/{anaUser.Id}/roles" };
        var refusedDry = await DryRunAsync(rootAdmin, name, grant);
        var refusedRun = await rootAdmin.PostAsJsonAsync("/api/scaffolder/tasks", new { templateRef = $"template:default/{name}", values = grant });
        Assert.Contains($"template:default/{name} was not registered by an admin, so its calls that change something run only for members of its owner group:default/payments",
            Errors(refusedDry), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, refusedRun.StatusCode);
        await using (var db = await factory.DbAsync())
        {
            Assert.False(await (from ur in db.UserRoles join r in db.Roles on ur.RoleId equals r.Id
                                where ur.UserId == anaUser.Id && r.Name == Portal.Web.Features.Identity.PortalRoles.Admin select ur).AnyAsync());
        }

        // Reaching everyone is for templates an admin registered.
        var broadcast = await DryRunAsync(ana, name, new { path = "/api/identity/me", recipients = "broadcast" });
        Assert.Contains("broadcast reaches every person in the catalog, so only templates an admin registered may use it", Errors(broadcast), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_members_POST_to_an_admin_endpoint_is_only_reported_by_the_dry_run_and_refused_in_the_real_run_leaving_no_location()
    {
        using var ana = factory.ClientWithToken(_ana);
        var target = Path.Combine(Folder, "sneaky-" + Guid.NewGuid().ToString("N"), "catalog-info.yaml");

        var dry = await DryRunAsync(ana, "api-admin-post", new { target });
        var id = await CreateTaskAsync(ana, "template:default/api-admin-post", new { target });
        var failed = await WaitForAsync(ana, id, ScaffolderTaskStatus.Failed);

        Assert.Contains(dry.Log, l => l.Message.StartsWith("Would call POST /api/catalog/locations as the person who started the run", StringComparison.Ordinal));
        Assert.StartsWith("Step 'Call' failed: http:backstage:request: POST /api/catalog/locations answered 403: ", failed.Error, StringComparison.Ordinal);
        Assert.EndsWith("(the call has the rights of the person who started the run).", failed.Error, StringComparison.Ordinal);
        await using var db = await factory.DbAsync();
        Assert.False(await db.CatalogLocations.AnyAsync(l => l.Target == target));
    }

    [Fact]
    public async Task A_dry_run_says_whom_it_would_notify_and_sends_nothing_a_real_run_reaches_each_member_of_the_group_once_per_scope()
    {
        using var ana = factory.ClientWithToken(_ana);
        var name = "ledger-" + Guid.NewGuid().ToString("N")[..8];
        var title = $"Service {name} created";

        var dry = await DryRunAsync(ana, "notify", new { name });
        await using (var db = await factory.DbAsync())
        {
            Assert.False(await db.InboxMessages.AnyAsync(m => m.Title == title));
        }
        Assert.Contains(dry.Log, l => l.Message == $"Would notify 3 people (user:default/ana.silva, user:default/ben.okafor, user:default/chen.wei): '{title}' (high).");

        var first = await CreateTaskAsync(ana, "template:default/notify", new { name });
        await WaitForAsync(ana, first, ScaffolderTaskStatus.Completed);
        var inbox = factory.Services.GetRequiredService<InboxQueries>();
        var ben = await inbox.ListAsync("user:default/ben.okafor", unreadOnly: true, 200, CancellationToken.None);
        var message = Assert.Single(ben, m => m.Title == title);
        Assert.Equal(("It is in the catalog.", $"/catalog/default/component/{name}", "high"), (message.Info, message.Link, message.Severity));
        Assert.StartsWith("template:default/notify, run by ana.silva", message.Origin, StringComparison.Ordinal); // who ran it, not only which template
        Assert.Equal(1, await inbox.MarkAsync("user:default/ben.okafor", message.Id, read: true, CancellationToken.None));
        // Another person cannot mark ben's message.
        Assert.Equal(0, await inbox.MarkAsync("user:default/ana.silva", message.Id, read: false, CancellationToken.None));

        var second = await CreateTaskAsync(ana, "template:default/notify", new { name });
        await WaitForAsync(ana, second, ScaffolderTaskStatus.Completed);

        await using var after = await factory.DbAsync();
        var sent = await after.InboxMessages.Where(m => m.Title == title).ToListAsync();
        Assert.Equal(["user:default/ana.silva", "user:default/ben.okafor", "user:default/chen.wei"], sent.Select(m => m.UserRef).Order());
        Assert.All(sent, m => Assert.Null(m.ReadAt));
    }

    [Fact]
    public async Task A_broadcast_reaches_everyone_in_the_catalog_and_an_unknown_recipient_is_named()
    {
        using var ana = factory.ClientWithToken(_ana);
        await using var db = await factory.DbAsync();
        var people = await db.CatalogEntities.CountAsync(e => e.Kind == CatalogKinds.User && e.OrphanedAt == null);

        var broadcast = await DryRunAsync(ana, "notify", new { name = "all-hands", recipients = "broadcast" });
        var unknown = await DryRunAsync(ana, "notify", new { name = "nobody", to = "group:default/no-such-team" });
        var notARef = await DryRunAsync(ana, "notify", new { name = "nobody", to = "payments" });

        Assert.Contains(broadcast.Log, l => l.Message.StartsWith($"Would notify everyone in the catalog ({people} people)", StringComparison.Ordinal));
        Assert.Contains("notification:send: no entity group:default/no-such-team in the catalog.", Errors(unknown), StringComparison.Ordinal);
        Assert.Contains("notification:send: 'payments' is not an entity reference", Errors(notARef), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_scope_belongs_to_its_template_another_templates_message_with_the_same_scope_is_a_new_message_and_never_replaces_it()
    {
        using var ana = factory.ClientWithToken(_ana);
        var name = "scoped-" + Guid.NewGuid().ToString("N")[..8];
        var title = $"Service {name} created";
        await WaitForAsync(ana, await CreateTaskAsync(ana, "template:default/notify", new { name }), ScaffolderTaskStatus.Completed);

        // ana writes a template of her own (as any member may for her team) that sends with notify's scope.
        var spoof = "spoof-" + Guid.NewGuid().ToString("N")[..8];
        var written = await ana.PostAsJsonAsync("/api/catalog/entities", JsonNode.Parse($$$"""
            {"apiVersion": "scaffolder.backstage.io/v1beta3", "kind": "Template", "metadata": {"name": "{{{spoof}}}"},
             "spec": {"owner": "group:default/payments", "type": "service",
               "steps": [{"id": "tell", "name": "Tell", "action": "notification:send",
                          "input": {"recipients": "entity", "entityRefs": ["group:default/payments"], "title": "Service {{{name}}} was deleted",
                                    "scope": "created-{{{name}}}"}}]}}
            """));
        Assert.Equal(HttpStatusCode.Created, written.StatusCode);
        await WaitForAsync(ana, await CreateTaskAsync(ana, $"template:default/{spoof}", new { }), ScaffolderTaskStatus.Completed);

        // ben keeps notify's message as it was, and has the other template's as a message of its own.
        var inbox = factory.Services.GetRequiredService<InboxQueries>();
        var ben = await inbox.ListAsync("user:default/ben.okafor", unreadOnly: false, 200, CancellationToken.None);
        Assert.StartsWith("template:default/notify, run by ana.silva", Assert.Single(ben, m => m.Title == title).Origin, StringComparison.Ordinal);
        Assert.StartsWith($"template:default/{spoof}, run by ana.silva", Assert.Single(ben, m => m.Title == $"Service {name} was deleted").Origin,
            StringComparison.Ordinal);

        // notify sending again with its scope replaces its own message, and only that.
        await WaitForAsync(ana, await CreateTaskAsync(ana, "template:default/notify", new { name }), ScaffolderTaskStatus.Completed);
        await using var db = await factory.DbAsync();
        var scoped = await db.InboxMessages.AsNoTracking().Where(m => m.UserRef == "user:default/ben.okafor" && m.Scope == $"created-{name}")
            .Select(m => new { m.Title, m.Sender }).ToListAsync();
        Assert.Equal([(title, "template:default/notify"), ($"Service {name} was deleted", $"template:default/{spoof}")],
            scoped.Select(m => (m.Title, m.Sender)).OrderBy(m => m.Sender, StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_template_with_more_notifications_than_one_run_may_send_is_refused_before_it_runs_with_the_limit_named()
    {
        static string Notes(int count) => "  steps:\n" + string.Concat(Enumerable.Range(1, count).Select(i =>
            $"    - {{id: n{i}, name: Note {i}, action: notification:send, input: {{recipients: entity, entityRefs: ['user:default/ben.okafor'], title: 'Note {i} of {count}'}}}}\n"));
        using (var admin = factory.AdminClient())
        {
            await RegisterAsync(admin, Write("many-notes", Notes(21)));
            await RegisterAsync(admin, Write("twenty-notes", Notes(20)));
        }
        using var ana = factory.ClientWithToken(_ana);
        const string Refusal = "The template has 21 notification:send steps; one run may send at most 20 notifications (Portal:Templates:MaxNotificationsPerRun).";

        var run = await ana.PostAsJsonAsync("/api/scaffolder/tasks", new { templateRef = "template:default/many-notes", values = new { } });
        var body = await run.Content.ReadAsStringAsync();
        var dry = await DryRunAsync(ana, "many-notes", new { });

        Assert.True(run.StatusCode == HttpStatusCode.BadRequest, $"{(int)run.StatusCode}: {body}");
        Assert.Equal(Refusal, JsonNode.Parse(body)!["errors"]!["templateRef"]![0]!.GetValue<string>());
        Assert.Equal(Refusal, Errors(dry));
        await using (var db = await factory.DbAsync())
        {
            Assert.False(await db.ScaffolderTasks.AnyAsync(t => t.TemplateRef == "template:default/many-notes"));
            Assert.False(await db.InboxMessages.AnyAsync(m => m.Title == "Note 1 of 21"));
        }
        // At the limit it runs: twenty notes, each once.
        var twenty = await CreateTaskAsync(ana, "template:default/twenty-notes", new { });
        await WaitForAsync(ana, twenty, ScaffolderTaskStatus.Completed);
        await using var after = await factory.DbAsync();
        Assert.Equal(20, await after.InboxMessages.CountAsync(m => m.UserRef == "user:default/ben.okafor" && m.Title.EndsWith(" of 20")));
    }
}
