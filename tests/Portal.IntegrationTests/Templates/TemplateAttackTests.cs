using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Portal.Web.Features.Catalog;
using Portal.Web.Features.Demo;
using static Portal.IntegrationTests.Templates.TemplateKit;
using Portal.Web.Features.Templates;

namespace Portal.IntegrationTests.Templates;

/// <summary>
/// Attacks on templates by an ordinary member (ana.silva, in payments), through the real API: catalog documents smuggled
/// in parameter values, owners and entities the member may not use, and templates that would take the host down.
/// Each is refused with a per-field or per-limit message, and nothing changes.
/// </summary>
public sealed class TemplateAttackTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>, IAsyncLifetime
{
    private const string AspNet = "template:default/aspnet-service";
    private const string Bombs = "template:default/render-bombs";
    private const string Notes = "template:default/notes-service";
    private string _ana = "";

    // The attack of the report: an owner the member is not in, and a system value that carries a Group and a User.
    private static readonly string InjectedSystem = """
        system:default/payments
        ---
        apiVersion: backstage.io/v1alpha1
        kind: Group
        metadata:
          name: platform
        spec:
          type: team
          children: []
          members: [ana.silva]
        ---
        apiVersion: backstage.io/v1alpha1
        kind: User
        metadata:
          name: outsider
        spec:
          profile:
            email: outsider@evil.example
          memberOf: [checkout]
        """;

    public async Task InitializeAsync()
    {
        factory.Settings["Portal:Templates:RegisterBuiltIns"] = "true";
        factory.Settings["Portal:Jobs:WorkerCount"] = "2";
        // Steps and memory are plentiful here (and the clock shorter), so the wall-time bound is the one that stops the
        // hundred-million-iteration loop; the memory bound has its unit test.
        factory.Settings["Portal:Templates:MaxRenderSteps"] = "50000000";
        factory.Settings["Portal:Templates:MaxRenderMemoryMB"] = "2048";
        factory.Settings["Portal:Templates:MaxRenderMilliseconds"] = "1000";
        (_, _ana) = await factory.UserWithTokenAsync("ana.silva", "ana.silva@northwind.example");
        using var admin = factory.AdminClient();
        await using var db = await factory.DbAsync();
        if (!await db.CatalogEntities.AnyAsync(e => e.Kind == "Group"))
        {
            await RegisterAsync(admin, DemoOrganisation.WriteFiles(factory.DemoFolder));
        }
        if (!await db.CatalogEntities.AnyAsync(e => e.EntityRef == Bombs))
        {
            await RegisterAsync(admin, WriteBombTemplate(Path.Combine(factory.TemplatesFolder, "bombs")));
        }
        if (!await db.CatalogEntities.AnyAsync(e => e.EntityRef == Notes))
        {
            await RegisterAsync(admin, WriteNotesTemplate(Path.Combine(factory.TemplatesFolder, "notes")));
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>A template whose one step logs whatever Liquid the <c>bomb</c> parameter picks: what a member could get an admin to register.</summary>
    private static string WriteBombTemplate(string folder)
    {
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, "template.yaml");
        File.WriteAllText(file, """
            apiVersion: scaffolder.backstage.io/v1beta3
            kind: Template
            metadata:
              name: render-bombs
              title: Render bombs
            spec:
              owner: group:default/payments
              type: service
              parameters:
                - properties:
                    bomb: {title: Bomb, type: string, enum: [range, output, time, none]}
              steps:
                - id: range
                  name: Range
                  action: debug:log
                  input:
                    message: '{% if parameters.bomb == "range" %}{% for i in range(2000000000) %}{% endfor %}{% endif %}done'
                - id: output
                  name: Output
                  action: debug:log
                  input:
                    message: '{% if parameters.bomb == "output" %}{% for i in range(10000) %}{% for j in range(10000) %}xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx{% endfor %}{% endfor %}{% endif %}'
                - id: time
                  name: Time
                  action: debug:log
                  input:
                    message: '{% if parameters.bomb == "time" %}{% for i in range(10000) %}{% for j in range(10000) %}{% endfor %}{% endfor %}{% endif %}done'
                - id: fine
                  name: Fine
                  action: debug:log
                  input:
                    message: 'ok {% for i in range(1, 4) %}${{ i }}{% endfor %}'
            """);
        return file;
    }

    /// <summary>A template that puts a multi-line (textarea) value into catalog-info.yaml, as a careless author might.</summary>
    private static string WriteNotesTemplate(string folder)
    {
        Directory.CreateDirectory(Path.Combine(folder, "skeleton"));
        File.WriteAllText(Path.Combine(folder, "skeleton", "catalog-info.yaml"), """
            apiVersion: backstage.io/v1alpha1
            kind: Component
            metadata:
              name: ${{ values.name }}
              description: ${{ values.notes }}
            spec:
              type: service
              lifecycle: experimental
              owner: ${{ values.owner }}
            """);
        var file = Path.Combine(folder, "template.yaml");
        File.WriteAllText(file, """
            apiVersion: scaffolder.backstage.io/v1beta3
            kind: Template
            metadata:
              name: notes-service
              title: Notes service
            spec:
              owner: group:default/payments
              type: service
              parameters:
                - required: [name, owner]
                  properties:
                    name: {title: Name, type: string, pattern: '^[a-z][a-z0-9-]{2,30}$'}
                    owner: {title: Owner, type: string, ui:field: OwnerPicker, ui:options: {catalogFilter: {kind: Group}}}
                    notes: {title: Notes, type: string, ui:widget: textarea}
              steps:
                - id: fetch
                  name: Render
                  action: fetch:template
                  input:
                    url: ./skeleton
                    values:
                      name: ${{ parameters.name }}
                      owner: ${{ parameters.owner }}
                      notes: ${{ parameters.notes }}
                - id: publish
                  name: Publish
                  action: publish:git
                  input:
                    repoUrl: portal?owner=${{ parameters.owner | parseEntityRef | pick('name') }}&repo=${{ parameters.name }}
                - id: register
                  name: Register
                  action: catalog:register
                  input:
                    repoContentsUrl: ${{ steps['publish'].output.repoContentsUrl }}
                    catalogInfoPath: /catalog-info.yaml
            """);
        return file;
    }

    private async Task<(int Entities, int Tasks, string[] Teams)> SnapshotAsync(HttpClient ana)
    {
        await using var db = await factory.DbAsync();
        var me = await ana.GetFromJsonAsync<JsonObject>("/api/identity/me");
        return (await db.CatalogEntities.CountAsync(), await db.ScaffolderTasks.CountAsync(),
            me!["teams"]!.AsArray().Select(t => t!.GetValue<string>()).ToArray());
    }

    private static void AssertUnchanged((int Entities, int Tasks, string[] Teams) before, (int Entities, int Tasks, string[] Teams) after)
    {
        Assert.Equal(before.Entities, after.Entities);
        Assert.Equal(before.Tasks, after.Tasks);
        Assert.Equal(before.Teams, after.Teams);
    }

    private static async Task<JsonObject> ValidationErrorsAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!["errors"]!.AsObject();
    }

    private bool NoRepositoryPublished() =>
        !Directory.Exists(Path.Combine(factory.TemplatesFolder, "repos")) || !Directory.EnumerateFileSystemEntries(Path.Combine(factory.TemplatesFolder, "repos")).Any();

    [Fact]
    public async Task A_member_cannot_inject_catalog_documents_or_claim_another_team_through_the_aspnet_service_template()
    {
        using var ana = factory.ClientWithToken(_ana);
        var before = await SnapshotAsync(ana);
        Assert.Contains("group:default/payments", before.Teams);
        Assert.DoesNotContain("group:default/checkout", before.Teams);
        Assert.DoesNotContain("group:default/platform", before.Teams);

        var response = await ana.PostAsJsonAsync("/api/scaffolder/tasks", new
        {
            templateRef = AspNet,
            values = new { name = "sneaky-api", owner = "group:default/checkout", system = InjectedSystem },
        });

        var errors = await ValidationErrorsAsync(response);
        Assert.Equal("System must be a single line: it contains a line break.", errors["system"]![0]!.GetValue<string>());
        Assert.Equal($"Owner: you can only choose a team you are in ({string.Join(", ", before.Teams)}); you are not in group:default/checkout.",
            errors["owner"]![0]!.GetValue<string>());
        AssertUnchanged(before, await SnapshotAsync(ana));
        Assert.True(NoRepositoryPublished());
        await using var db = await factory.DbAsync();
        Assert.False(await db.CatalogEntities.AnyAsync(e => e.EntityRef == "user:default/outsider" || e.EntityRef == "component:default/sneaky-api"));
        var audit = await AuditAssert.RecordedAsync(factory, "scaffolder.task.create", AspNet, "ana.silva", "denied");
        Assert.Contains("group:default/checkout", audit.Changes!.RootElement.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_dry_run_refuses_the_same_values_with_the_same_messages()
    {
        using var ana = factory.ClientWithToken(_ana);
        var values = new { name = "sneaky-api", owner = "group:default/checkout", system = InjectedSystem };

        var dry = await ValidationErrorsAsync(await ana.PostAsJsonAsync("/api/templates/default/aspnet-service/dry-run", new { values }));
        var real = await ValidationErrorsAsync(await ana.PostAsJsonAsync("/api/scaffolder/tasks", new { templateRef = AspNet, values }));

        Assert.Equal(real.ToJsonString(), dry.ToJsonString());
        Assert.Equal(["owner", "system"], dry.Select(e => e.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Picker_values_must_name_an_entity_of_the_accepted_kind_and_an_owner_must_be_the_members_team()
    {
        using var ana = factory.ClientWithToken(_ana);
        async Task<JsonObject> DryRun(object values) =>
            await ValidationErrorsAsync(await ana.PostAsJsonAsync("/api/templates/default/aspnet-service/dry-run", new { values }));

        Assert.Equal("System: there is no system:default/nowhere in the catalog.",
            (await DryRun(new { name = "a-api", owner = "group:default/payments", system = "system:default/nowhere" }))["system"]![0]!.GetValue<string>());
        Assert.Equal("System must be a System; group:default/platform is a Group.",
            (await DryRun(new { name = "a-api", owner = "group:default/payments", system = "group:default/platform" }))["system"]![0]!.GetValue<string>());
        Assert.Equal("Owner must be a Group; user:default/ana.silva is a User.",
            (await DryRun(new { name = "a-api", owner = "user:default/ana.silva" }))["owner"]![0]!.GetValue<string>());
        Assert.Equal("Owner: there is no group:default/ghosts in the catalog.",
            (await DryRun(new { name = "a-api", owner = "ghosts" }))["owner"]![0]!.GetValue<string>());
        // A YAML flow mapping in one line: no line break, but no such entity either.
        Assert.StartsWith("Owner: ",
            (await DryRun(new { name = "a-api", owner = "{kind: Group, members: [ana.silva]}" }))["owner"]![0]!.GetValue<string>(), StringComparison.Ordinal);

        // Her own team and a real system: the preview renders the descriptor with them.
        var ok = await ana.PostAsJsonAsync("/api/templates/default/aspnet-service/dry-run",
            new { values = new { name = "fine-api", owner = "payments", system = "system:default/payments" } });
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.True(NoRepositoryPublished());
    }

    [Fact]
    public async Task An_admin_may_choose_any_team_as_the_owner()
    {
        using var admin = factory.AdminClient();

        var response = await admin.PostAsJsonAsync("/api/templates/default/aspnet-service/dry-run",
            new { values = new { name = "platform-api", owner = "group:default/checkout", system = "system:default/checkout" } });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("range", "Template rendering stopped: a range of 2000000000 items is more than 10000 (Portal:Templates:MaxRangeSize).")]
    [InlineData("output", "Template rendering stopped: the output would be longer than 1000000 characters (Portal:Templates:MaxRenderOutputChars).")]
    [InlineData("time", "Template rendering stopped: it took longer than 1000 ms (Portal:Templates:MaxRenderMilliseconds).")]
    public async Task A_template_that_would_exhaust_the_host_is_refused_in_the_dry_run_quickly_and_memory_stays_flat(string bomb, string message)
    {
        using var ana = factory.ClientWithToken(_ana);
        var before = await SnapshotAsync(ana);
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();

        var response = await ana.PostAsJsonAsync("/api/templates/default/render-bombs/dry-run", new { values = new { bomb } });

        var took = clock.Elapsed;
        var grew = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        var errors = await ValidationErrorsAsync(response);
        Assert.Equal($"step '{bomb}' input.message: {message}", errors["template"]![0]!.GetValue<string>());
        Assert.True(took < TimeSpan.FromSeconds(15), $"took {took}");
        // Before the bounds, the range alone built a list of two billion numbers (tens of GB). The empty loop allocates
        // about half a GB a second (garbage, collected as it goes) until the clock stops it.
        Assert.True(grew < 1536L * 1024 * 1024, $"{grew / (1024 * 1024)} MB allocated while the request ran");
        AssertUnchanged(before, await SnapshotAsync(ana));
    }

    [Fact]
    public async Task Ordinary_loops_still_render_in_the_dry_run()
    {
        using var ana = factory.ClientWithToken(_ana);

        var response = await ana.PostAsJsonAsync("/api/templates/default/render-bombs/dry-run", new { values = new { bomb = "none" } });

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        Assert.Contains("ok 123", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_multi_line_value_that_would_add_a_document_to_catalog_info_yaml_fails_the_run_before_anything_is_published()
    {
        using var ana = factory.ClientWithToken(_ana);
        var before = await SnapshotAsync(ana);
        var values = new { name = "notes-api", owner = "group:default/payments", notes = "Notes.\n---\n" + InjectedSystem.Split("---\n", 2)[1] };

        var dry = await ana.PostAsJsonAsync("/api/templates/default/notes-service/dry-run", new { values });
        var body = await dry.Content.ReadAsStringAsync();
        Assert.True(dry.StatusCode == HttpStatusCode.OK, body);
        Assert.Contains("the values would change the structure of this YAML file (3 documents instead of 1)", body, StringComparison.Ordinal);

        var id = await CreateTaskAsync(ana, Notes, values);
        var task = await WaitForAsync(ana, id, Portal.Web.Features.Templates.ScaffolderTaskStatus.Failed);

        Assert.Contains("the file 'catalog-info.yaml': the values would change the structure of this YAML file (3 documents instead of 1).", task.Error,
            StringComparison.Ordinal);
        Assert.Equal("failed", task.Steps.Single(s => s.Id == "fetch").Status);
        Assert.True(NoRepositoryPublished());
        var after = await SnapshotAsync(ana);
        Assert.Equal(before.Entities, after.Entities);
        Assert.Equal(before.Teams, after.Teams);
        await using var db = await factory.DbAsync();
        Assert.False(await db.CatalogEntities.AnyAsync(e => e.EntityRef == "user:default/outsider" || e.EntityRef == "component:default/notes-api"));
    }

    [Fact]
    public async Task A_real_task_past_a_render_limit_fails_with_the_limit_named()
    {
        using var ana = factory.ClientWithToken(_ana);

        var id = await CreateTaskAsync(ana, Bombs, new { bomb = "range" });
        var task = await WaitForAsync(ana, id, Portal.Web.Features.Templates.ScaffolderTaskStatus.Failed);

        Assert.Contains("Template rendering stopped: a range of 2000000000 items is more than 10000 (Portal:Templates:MaxRangeSize).", task.Error,
            StringComparison.Ordinal);
    }
}
