using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Portal.Web.Features.Scorecards;

namespace Portal.IntegrationTests.Scorecards;

/// <summary>Definitions as YAML in and out, who may change them, bad input, and the CSV evidence.</summary>
public sealed class ScorecardApiTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>
{
    private const string Custom = """
        apiVersion: portal/v1
        kind: Scorecard
        metadata:
          name: api-docs
          title: API documentation
        spec:
          owner: platform
          levels: [Bronze, Silver]
          filter:
            kind: [API]
          rules:
            - id: described
              level: Bronze
              check: field.present
              params: { field: description }
            - id: has-docs
              level: Silver
              check: link.present
              params: { match: docs }
              howToFix: Link the API's documentation.
        """;

    private static StringContent Yaml(string text) => new(text, Encoding.UTF8, "application/yaml");

    [Fact]
    public async Task The_built_ins_ship_enabled_and_export_as_yaml_that_imports_back_unchanged()
    {
        using var admin = factory.AdminClient();

        var list = await admin.GetFromJsonAsync<List<ScorecardSummary>>("/api/scorecards");

        Assert.Equal(["Pre-production", "Production readiness"], list!.Where(s => s.BuiltIn).Select(s => s.Title).Order(StringComparer.Ordinal));
        Assert.All(list!.Where(s => s.BuiltIn), s => Assert.True(s.Enabled));
        var exported = await admin.GetStringAsync("/api/scorecards/export");
        Assert.Contains("kind: Scorecard", exported, StringComparison.Ordinal);
        var reimport = await admin.PostAsync("/api/scorecards/import", Yaml(exported));
        Assert.Equal(HttpStatusCode.OK, reimport.StatusCode);
        var outcome = await reimport.Content.ReadAsStringAsync();
        Assert.All((await reimport.Content.ReadFromJsonAsync<List<ScorecardImportResult>>())!, r => Assert.True(r.Status == "unchanged", outcome + "\n" + exported));
    }

    [Fact]
    public async Task An_admin_imports_a_scorecard_that_then_reads_back_with_its_typed_rules()
    {
        using var admin = factory.AdminClient();

        var dry = await admin.PostAsync("/api/scorecards/import?dryRun=true", Yaml(Custom));
        Assert.Equal("created", (await dry.Content.ReadFromJsonAsync<List<ScorecardImportResult>>())!.Single().Status);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/scorecards/api-docs")).StatusCode);
        var imported = await admin.PostAsync("/api/scorecards/import", Yaml(Custom));

        Assert.Equal(HttpStatusCode.OK, imported.StatusCode);
        var detail = await admin.GetFromJsonAsync<JsonObject>("/api/scorecards/api-docs");
        Assert.Equal("group:default/platform", detail!["summary"]!["owner"]!.GetValue<string>());
        Assert.Equal("docs", detail["ruleList"]![1]!["parameters"]!["match"]!.GetValue<string>());
        var yaml = await admin.GetStringAsync("/api/scorecards/api-docs/yaml");
        Assert.Equal("api-docs", ScorecardYaml.ParseOne(yaml).Definition!.Name);
        await AuditAssert.RecordedAsync(factory, "scorecard.created", "api-docs", "bootstrap-admin-token");
    }

    [Fact]
    public async Task A_file_with_one_bad_document_imports_nothing_and_names_each_problem()
    {
        using var admin = factory.AdminClient();
        var good = Custom.Replace("name: api-docs", "name: half-good", StringComparison.Ordinal);
        var bad = Custom.Replace("name: api-docs", "name: half-bad", StringComparison.Ordinal).Replace("check: link.present", "check: shell.exec", StringComparison.Ordinal);

        var response = await admin.PostAsync("/api/scorecards/import", Yaml(good + "\n---\n" + bad));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var results = (await response.Content.ReadFromJsonAsync<List<ScorecardImportResult>>())!;
        Assert.Equal(["not-imported", "error"], results.Select(r => r.Status));
        Assert.StartsWith("spec.rules[1].check 'shell.exec' is not a known check", results[1].Errors.Single(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/scorecards/half-good")).StatusCode);
        var empty = await admin.PostAsync("/api/scorecards/import", Yaml("  "));
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        var huge = await admin.PostAsync("/api/scorecards/import", Yaml(new string('#', ScorecardYaml.MaxBytes + 10)));
        Assert.Equal(HttpStatusCode.BadRequest, huge.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync("/api/scorecards/results?limit=0")).StatusCode);
    }

    [Fact]
    public async Task Members_read_scorecards_but_only_admins_change_them()
    {
        var (_, token) = await factory.UserWithTokenAsync("scorecard-member");
        using var member = factory.ClientWithToken(token);

        Assert.Equal(HttpStatusCode.OK, (await member.GetAsync("/api/scorecards")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await member.PostAsync("/api/scorecards/import", Yaml(Custom))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await member.PutAsJsonAsync("/api/scorecards/pre-production/enabled", new { enabled = false })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await member.DeleteAsync("/api/scorecards/pre-production")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await member.PostAsync("/api/scorecards/evaluate", null)).StatusCode);
        using var anonymous = factory.AnonymousClient();
        Assert.NotEqual(HttpStatusCode.OK, (await anonymous.GetAsync("/api/scorecards")).StatusCode);
    }

    [Fact]
    public async Task Results_export_as_csv_one_row_per_scorecard_and_entity()
    {
        using var admin = factory.AdminClient();
        await using (var db = await factory.DbAsync())
        {
            var catalog = await admin.PostAsJsonAsync("/api/catalog/entities", new
            {
                apiVersion = "backstage.io/v1alpha1", kind = "Component",
                metadata = new { name = "csv-probe" },
                spec = new { type = "service", lifecycle = "experimental", owner = "group:default/nobody" },
            });
            Assert.True(catalog.IsSuccessStatusCode, await catalog.Content.ReadAsStringAsync());
            await ScorecardEvaluation.RunAsync(db, null, DateTimeOffset.UtcNow, CancellationToken.None);
        }

        var csv = await admin.GetStringAsync("/api/scorecards/results.csv?scorecard=pre-production");

        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("scorecard,entity,kind,owner,level,passed,failed,no_data,total,changed_at", lines[0]);
        var probe = lines.Single(l => l.Contains("csv-probe", StringComparison.Ordinal));
        Assert.StartsWith("\"pre-production\",\"component:default/csv-probe\",\"Component\",\"group:default/nobody\",\"none\",", probe, StringComparison.Ordinal);
    }
}
