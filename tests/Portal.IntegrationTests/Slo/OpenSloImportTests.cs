using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Web.Features.Slo;

namespace Portal.IntegrationTests.Slo;

/// <summary>OpenSLO import and export over the API, the one-click defaults, and openslo.yaml files named by a catalog annotation.</summary>
public sealed class OpenSloImportTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>, IAsyncLifetime
{
    private string _ana = "";

    public async Task InitializeAsync()
    {
        await factory.SeedDemoAsync();
        (_, _ana) = await factory.UserWithTokenAsync("ana.silva", "ana.silva@northwind.example");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task An_import_takes_what_is_valid_reports_the_rest_and_exports_round_trip()
    {
        using var ana = factory.ClientWithToken(_ana); // payments member
        const string yaml = """
            apiVersion: openslo/v1
            kind: SLO
            metadata: {name: refunds-availability, displayName: Refunds succeed}
            spec:
              service: refund-service
              indicator:
                metadata: {name: refund-errors}
                spec:
                  ratioMetric:
                    counter: true
                    bad: {metricSource: {type: otlp, spec: {metric: http.server.request.duration, service: refund-service, filter: 'http.response.status_code >= 500'}}}
                    total: {metricSource: {type: otlp, spec: {metric: http.server.request.duration, service: refund-service}}}
              timeWindow: [{duration: 30d, isRolling: true}]
              budgetingMethod: Occurrences
              objectives: [{target: 0.9995}]
            ---
            apiVersion: openslo/v1
            kind: SLO
            metadata: {name: cart-availability}
            spec:
              service: cart-service
              indicatorRef: nowhere
              timeWindow: [{duration: 28d, isRolling: true}]
              objectives: [{target: 0.99}]
            ---
            apiVersion: openslo/v1
            kind: SLO
            metadata: {name: checkout-owned}
            spec:
              service: order-service
              indicator:
                spec:
                  ratioMetric:
                    bad: {metricSource: {type: otlp, spec: {metric: http.server.request.duration, service: order-service, filter: 'http.response.status_code >= 500'}}}
                    total: {metricSource: {type: otlp, spec: {metric: http.server.request.duration, service: order-service}}}
              timeWindow: [{duration: 28d, isRolling: true}]
              objectives: [{target: 0.99}]
            """;

        var response = await ana.PostAsync("/api/slos/import", new StringContent(yaml, Encoding.UTF8, "application/yaml"));
        var results = (await response.Content.ReadFromJsonAsync<List<ImportedDocument>>(JsonSerializerOptions.Web))!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["created", "error", "error"], results.Select(r => r.Status));
        Assert.Contains("indicatorRef 'nowhere' names no SLI", results[1].Errors[0], StringComparison.Ordinal);
        Assert.Equal("You may not change the SLOs of component:default/order-service.", results[2].Errors[0]); // checkout's component
        var exported = await ana.GetStringAsync($"/api/slos/{results[0].Id}/openslo");
        Assert.Contains("target: 0.9995", exported, StringComparison.Ordinal);

        // Importing the export again changes nothing but the update time: same id, same figures.
        var again = (await (await ana.PostAsync("/api/slos/import", new StringContent(exported, Encoding.UTF8, "application/yaml")))
            .Content.ReadFromJsonAsync<List<ImportedDocument>>(JsonSerializerOptions.Web))!;
        Assert.Equal(("updated", results[0].Id), (Assert.Single(again).Status, again[0].Id));
        Assert.Equal(exported, await ana.GetStringAsync($"/api/slos/{results[0].Id}/openslo"));
        Assert.Equal(HttpStatusCode.BadRequest, (await ana.PostAsync("/api/slos/import", new StringContent("", Encoding.UTF8, "application/yaml"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ana.PostAsync("/api/slos/import", new StringContent("kind: [unclosed", Encoding.UTF8, "application/yaml"))).StatusCode);
    }

    [Fact]
    public async Task Defaults_add_availability_and_latency_once()
    {
        using var ana = factory.ClientWithToken(_ana);

        var first = (await (await ana.PostAsync("/api/slos/defaults?component=wallet-adapter", null)).Content.ReadFromJsonAsync<List<ImportedDocument>>(JsonSerializerOptions.Web))!;
        var second = (await (await ana.PostAsync("/api/slos/defaults?component=wallet-adapter", null)).Content.ReadFromJsonAsync<List<ImportedDocument>>(JsonSerializerOptions.Web))!;

        Assert.Equal(["wallet-adapter-availability", "wallet-adapter-latency"], first.Select(r => r.Name));
        Assert.All(first, r => Assert.Equal("created", r.Status));
        Assert.Empty(second);
        var slos = (await ana.GetFromJsonAsync<List<SloView>>("/api/slos?service=wallet-adapter", JsonSerializerOptions.Web))!;
        Assert.Equal([(SliKinds.Availability, 0.999m), (SliKinds.Latency, 0.95m)], slos.OrderBy(s => s.Name).Select(s => (s.Indicator, s.Target)));
        Assert.All(slos, s => Assert.Equal("no-data", s.Status));
    }

    [Fact]
    public async Task A_components_openslo_annotation_file_is_imported_and_a_path_outside_its_folder_is_not()
    {
        var folder = Path.Combine(factory.TemplatesFolder, "annotated");
        Directory.CreateDirectory(Path.Combine(folder, "service"));
        await File.WriteAllTextAsync(Path.Combine(folder, "service", "catalog-info.yaml"), """
            apiVersion: backstage.io/v1alpha1
            kind: Component
            metadata:
              name: ledger-writer
              annotations:
                portal.dev/openslo: openslo.yaml
            spec: {type: service, lifecycle: production, owner: group:default/payments}
            ---
            apiVersion: backstage.io/v1alpha1
            kind: Component
            metadata:
              name: sneaky-writer
              annotations:
                portal.dev/openslo: ../secrets.yaml
            spec: {type: service, lifecycle: production, owner: group:default/payments}
            """);
        var openslo = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Features", "Templates", "BuiltIn", "aspnet-service", "skeleton", "openslo.yaml"))
            .Replace("${{ values.name }}", "ledger-writer", StringComparison.Ordinal);
        await File.WriteAllTextAsync(Path.Combine(folder, "service", "openslo.yaml"), openslo);
        await File.WriteAllTextAsync(Path.Combine(folder, "secrets.yaml"), openslo.Replace("ledger-writer", "sneaky-writer", StringComparison.Ordinal));
        using var admin = factory.AdminClient();
        (await admin.PostAsJsonAsync("/api/catalog/locations", new { type = "file", target = Path.Combine(folder, "service", "catalog-info.yaml") })).EnsureSuccessStatusCode();

        var imported = await factory.Services.GetRequiredService<OpenSloAnnotationJob>().RunAsync(CancellationToken.None);

        Assert.Equal(2, imported);
        await using var db = await factory.DbAsync();
        var names = await db.Set<SloDefinition>().Where(s => s.ComponentRef == "component:default/ledger-writer").Select(s => s.Name).OrderBy(n => n).ToListAsync();
        Assert.Equal(["ledger-writer-availability", "ledger-writer-latency"], names);
        Assert.False(await db.Set<SloDefinition>().AnyAsync(s => s.ComponentRef == "component:default/sneaky-writer"));
    }
}
