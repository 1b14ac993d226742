using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Portal.Web.Features.Templates;
using static Portal.IntegrationTests.Templates.TemplateKit;

namespace Portal.IntegrationTests.Templates;

/// <summary>
/// How large a template and its run may get (security review F5): too many steps or fields are refused at registration,
/// and a run whose http:backstage:request answers add up past Portal:Templates:MaxRunOutputBytes (set small here) is
/// refused in the dry run and fails in the real run, keeping no more than the budget.
/// </summary>
public sealed class TemplateRunLimitTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>, IAsyncLifetime
{
    private const int Budget = 16_384;
    private string _ana = "";
    private string Folder => Path.Combine(factory.TemplatesFolder, "run-limits");

    public async Task InitializeAsync()
    {
        factory.Settings["Portal:Templates:MaxRunOutputBytes"] = Budget.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await factory.SeedDemoAsync();
        (_, _ana) = await factory.UserWithTokenAsync("ana.silva", "ana.silva@northwind.example");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private string Write(string name, string spec) => WriteTemplate(Folder, name, spec);

    private static string Steps(int count, string action = "debug:log") =>
        "  steps:\n" + string.Concat(Enumerable.Range(1, count).Select(i => $"    - {{id: s{i}, name: Step {i}, action: {action}, input: {{message: hi}}}}\n"));

    [Fact]
    public async Task A_template_over_the_step_or_field_limit_is_refused_at_registration_with_the_limit_named()
    {
        using var admin = factory.AdminClient();
        var tooLong = Write("too-many-steps", Steps(101));

        var registered = await admin.PostAsJsonAsync("/api/catalog/locations", new { type = "file", target = tooLong });
        var body = await registered.Content.ReadAsStringAsync();

        Assert.Contains("spec.steps has 101 steps; a template may have at most 100", body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync(new Uri("/api/templates/default/too-many-steps", UriKind.Relative))).StatusCode);

        // Written directly to the catalog: the validation problem, 400.
        var fields = new JsonObject(Enumerable.Range(0, 201).Select(i => KeyValuePair.Create($"f{i}", (JsonNode?)new JsonObject { ["type"] = "string" })));
        var upsert = await admin.PostAsJsonAsync("/api/catalog/entities", new JsonObject
        {
            ["apiVersion"] = "scaffolder.backstage.io/v1beta3", ["kind"] = "Template",
            ["metadata"] = new JsonObject { ["name"] = "too-many-fields" },
            ["spec"] = new JsonObject
            {
                ["type"] = "service", ["owner"] = "group:default/platform",
                ["parameters"] = new JsonArray(new JsonObject { ["properties"] = fields }),
                ["steps"] = new JsonArray(new JsonObject { ["id"] = "s", ["action"] = "debug:log" }),
            },
        });
        var problem = await upsert.Content.ReadAsStringAsync();
        Assert.True(upsert.StatusCode == HttpStatusCode.BadRequest, $"{(int)upsert.StatusCode}: {problem}");
        Assert.Equal("spec.parameters has 201 fields; a template's form may have at most 200",
            JsonNode.Parse(problem)!["errors"]!["entity"]![0]!.GetValue<string>());

        // At the limit it registers.
        await RegisterAsync(admin, Write("hundred-steps", Steps(100)));
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync(new Uri("/api/templates/default/hundred-steps", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task API_answers_past_the_run_output_budget_are_refused_in_the_dry_run_and_fail_the_real_run_keeping_nothing_large()
    {
        using var admin = factory.AdminClient();
        // A small answer, then catalog pages of a few KB each: together well past the 16 KB budget.
        await RegisterAsync(admin, Write("many-gets", "  steps:\n    - {id: me, name: Me, action: http:backstage:request, input: {method: GET, path: /api/identity/me}}\n"
            + string.Concat(Enumerable.Range(1, 10).Select(i =>
                $"    - {{id: list-{i}, name: List {i}, action: http:backstage:request, input: {{method: GET, path: /api/catalog/entities, params: {{limit: '20'}}}}}}\n"))));
        using var ana = factory.ClientWithToken(_ana);

        var dryRun = await ana.PostAsJsonAsync("/api/templates/default/many-gets/dry-run", new { values = new { } });
        var body = await dryRun.Content.ReadAsStringAsync();
        Assert.True(dryRun.StatusCode == HttpStatusCode.BadRequest, $"{(int)dryRun.StatusCode}: {body}");
        var refused = JsonNode.Parse(body)!["errors"]!["template"]![0]!.GetValue<string>();
        Assert.Matches(@"^Step 'list-\d+': Template run stopped: the run's step outputs would exceed 16,384 bytes \(Portal:Templates:MaxRunOutputBytes\): the step returned [\d,]+ bytes after [\d,]+ bytes from earlier steps",
            refused);

        var id = await CreateTaskAsync(ana, "template:default/many-gets", new { });
        var task = await WaitForAsync(ana, id, ScaffolderTaskStatus.Failed);

        Assert.Matches(@"^Step 'List \d+' failed: Template run stopped: the run's step outputs would exceed 16,384 bytes \(Portal:Templates:MaxRunOutputBytes\)", task.Error);
        Assert.Equal(StepStatus.Completed, task.Steps.Single(s => s.Id == "me").Status);
        var failed = task.Steps.Single(s => s.Status == StepStatus.Failed);
        Assert.StartsWith("list-", failed.Id, StringComparison.Ordinal);
        Assert.Null(failed.Output);
        Assert.Contains(task.Log, l => l.StepId == failed.Id && l.Level == "error" && l.Message.Contains("Portal:Templates:MaxRunOutputBytes", StringComparison.Ordinal));
        // What the database keeps of the run's outputs stays within the budget.
        await using var db = await factory.DbAsync();
        var stored = await db.ScaffolderTasks.AsNoTracking().SingleAsync(t => t.Id == id);
        Assert.InRange(stored.Steps.Sum(s => (long)(s.Output?.Length ?? 0)), 1, Budget);
    }
}
