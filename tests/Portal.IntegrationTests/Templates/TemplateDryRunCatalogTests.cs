using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Portal.Web.Features.Catalog;
using Portal.Web.Features.Identity;
using Portal.Web.Features.Templates;
using Portal.Web.Features.Demo;
using static Portal.IntegrationTests.Templates.TemplateKit;

namespace Portal.IntegrationTests.Templates;

/// <summary>
/// A template's dry run refuses in <c>catalog:register</c> what the real run's location refuses: a member (ana.silva, payments)
/// runs a template whose skeleton carries a Group that adds her to platform and a component owned by checkout. The
/// preview names both refusals; the real run then refuses exactly the same entities, registers only hers, and she
/// gains no team.
/// </summary>
public sealed class TemplateDryRunCatalogTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>, IAsyncLifetime
{
    private const string Template = "template:default/team-handover";
    private string _ana = "";

    public async Task InitializeAsync()
    {
        factory.Settings["Portal:Jobs:WorkerCount"] = "2";
        (_, _ana) = await factory.UserWithTokenAsync("ana.silva", "ana.silva@northwind.example");
        using var admin = factory.AdminClient();
        await using var db = await factory.DbAsync();
        if (!await db.CatalogEntities.AnyAsync(e => e.Kind == "Group"))
        {
            await RegisterAsync(admin, DemoOrganisation.WriteFiles(factory.DemoFolder));
        }
        if (!await db.CatalogEntities.AnyAsync(e => e.EntityRef == Template))
        {
            await RegisterAsync(admin, WriteTemplate(Path.Combine(factory.TemplatesFolder, "handover")));
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>A template an admin registered that smuggles a team and another team's component into the new repository.</summary>
    private static string WriteTemplate(string folder)
    {
        Directory.CreateDirectory(Path.Combine(folder, "skeleton"));
        File.WriteAllText(Path.Combine(folder, "skeleton", "catalog-info.yaml"), """
            apiVersion: backstage.io/v1alpha1
            kind: Component
            metadata:
              name: ${{ values.name }}
            spec:
              type: service
              lifecycle: experimental
              owner: ${{ values.owner }}
            ---
            apiVersion: backstage.io/v1alpha1
            kind: Group
            metadata:
              name: ${{ values.name }}-admins
            spec:
              type: team
              parent: platform
              children: []
              members: [ana.silva]
            ---
            apiVersion: backstage.io/v1alpha1
            kind: Component
            metadata:
              name: ${{ values.name }}-checkout
            spec:
              type: service
              lifecycle: experimental
              owner: group:default/checkout
            """);
        var file = Path.Combine(folder, "template.yaml");
        File.WriteAllText(file, """
            apiVersion: scaffolder.backstage.io/v1beta3
            kind: Template
            metadata:
              name: team-handover
              title: Team handover
            spec:
              owner: group:default/platform
              type: service
              parameters:
                - required: [name, owner]
                  properties:
                    name: {title: Name, type: string, pattern: '^[a-z][a-z0-9-]{2,30}$'}
                    owner: {title: Owner, type: string, ui:field: OwnerPicker, ui:options: {catalogFilter: {kind: Group}}}
              steps:
                - id: fetch
                  name: Render
                  action: fetch:template
                  input:
                    url: ./skeleton
                    values:
                      name: ${{ parameters.name }}
                      owner: ${{ parameters.owner }}
                - id: publish
                  name: Publish
                  action: publish:git
                  input:
                    repoUrl: portal?owner=payments&repo=${{ parameters.name }}
                - id: register
                  name: Register
                  action: catalog:register
                  input:
                    repoContentsUrl: ${{ steps['publish'].output.repoContentsUrl }}
                    catalogInfoPath: /catalog-info.yaml
            """);
        return file;
    }

    [Fact]
    public async Task The_dry_run_refuses_in_catalog_register_exactly_what_the_real_run_refuses()
    {
        using var ana = factory.ClientWithToken(_ana);
        var values = new { name = "ledger-sync", owner = "group:default/payments" };
        var teamsBefore = (await ana.GetFromJsonAsync<MeView>("/api/identity/me"))!.Teams;

        var dry = await ana.PostAsJsonAsync("/api/templates/default/team-handover/dry-run", new { values });

        Assert.Equal(HttpStatusCode.OK, dry.StatusCode);
        var preview = await dry.Content.ReadFromJsonAsync<DryRunResult>();
        var dryRefusals = preview!.Log.Where(l => l.StepId == "register" && l.Message.StartsWith("Dry run: the catalog would not accept", StringComparison.Ordinal))
            .Select(l => l.Message).ToList();
        Assert.Equal(2, dryRefusals.Count);
        var said = string.Join("\n", dryRefusals);
        Assert.True(dryRefusals.Exists(m => m.Contains("group:default/ledger-sync-admins", StringComparison.Ordinal)
            && m.Contains("Group entities define team membership", StringComparison.Ordinal)), said);
        Assert.True(dryRefusals.Exists(m => m.Contains("component:default/ledger-sync-checkout", StringComparison.Ordinal)
            && m.Contains("The owner group:default/checkout is not a team the registrant ana.silva", StringComparison.Ordinal)
            && m.Contains("(through this template run) may act for", StringComparison.Ordinal)), said);
        Assert.Contains(preview.Log, l => l.StepId == "register" && l.Message.Contains("would register /catalog-info.yaml", StringComparison.Ordinal)
            && l.Message.EndsWith("(component:default/ledger-sync).", StringComparison.Ordinal));
        Assert.Equal("component:default/ledger-sync", RegisteredRef(preview));

        var id = await CreateTaskAsync(ana, Template, values);
        var task = await WaitForAsync(ana, id, "completed");

        await using var db = await factory.DbAsync();
        var registered = await db.CatalogEntities.AsNoTracking().Where(e => e.EntityRef.StartsWith("component:default/ledger-sync") || e.EntityRef.StartsWith("group:default/ledger-sync"))
            .Select(e => e.EntityRef).ToListAsync();
        Assert.Equal(["component:default/ledger-sync"], registered);
        var realRefusals = task.Log.Where(l => l.StepId == "register" && l.Message.StartsWith("Catalog: ", StringComparison.Ordinal)).Select(l => l.Message).ToList();
        Assert.Equal(RefusedRefs(dryRefusals), RefusedRefs(realRefusals));
        Assert.Equal(teamsBefore, (await ana.GetFromJsonAsync<MeView>("/api/identity/me"))!.Teams);
    }

    private static string? RegisteredRef(DryRunResult preview) =>
        preview.Log.Where(l => l.StepId == "register").Select(l => l.Message).LastOrDefault() is { } last && last.EndsWith(").", StringComparison.Ordinal)
            ? last[(last.LastIndexOf('(') + 1)..^2]
            : null;

    /// <summary>The refs named in refusal lines ("... accept REF: why" in the preview, "Catalog: REF: why" in the task).</summary>
    private static List<string> RefusedRefs(IEnumerable<string> lines) =>
        lines.Select(m => m.Split(' ').First(w => w.Contains(":default/", StringComparison.Ordinal)).TrimEnd(':')).Order(StringComparer.Ordinal).ToList();
}
