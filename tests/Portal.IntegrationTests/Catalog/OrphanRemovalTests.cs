using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static Portal.IntegrationTests.Catalog.CatalogFolder;
using Portal.Web.Features.Catalog;

namespace Portal.IntegrationTests.Catalog;

/// <summary>Orphans over time, with the app's clock under the test's control (FakeTimeProvider) and the default grace period.</summary>
public sealed class OrphanRemovalTests : IClassFixture<PortalAppFactory>, IDisposable
{
    private const int GraceHours = 24;
    private readonly PortalAppFactory _factory;
    private readonly CatalogFolder _files = new();

    public OrphanRemovalTests(PortalAppFactory factory)
    {
        _factory = factory;
        factory.Settings["Portal:Catalog:OrphanGraceHours"] = GraceHours.ToString(System.Globalization.CultureInfo.InvariantCulture);
        factory.ReplaceServices = services => services.AddSingleton<TimeProvider>(new FakeTimeProvider(DateTimeOffset.UtcNow));
    }

    /// <summary>The app's clock (one per server, while xUnit makes a new instance of this class per test).</summary>
    private FakeTimeProvider Clock => (FakeTimeProvider)_factory.Services.GetRequiredService<TimeProvider>();

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task An_entity_that_vanished_is_flagged_as_orphan_and_removed_by_the_first_refresh_after_the_grace_period()
    {
        var root = _files.Write("orphans/catalog-info.yaml", Component("stays") + "\n---\n" + Component("leaves", extra: "  dependsOn: [component:stays]"));
        using var admin = _factory.AdminClient();
        var created = await admin.PostAsJsonAsync("/api/catalog/locations", new { type = "file", target = root });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonObject>())!["location"]!["id"]!.GetValue<string>();
        Assert.Null(Orphan(await EntityAsync(admin, "leaves")));

        File.WriteAllText(root, Component("stays"));
        var flagged = await RefreshAsync(admin, id);
        var orphan = await EntityAsync(admin, "leaves");

        Assert.Equal(1, flagged["entityCount"]!.GetValue<int>()); // orphans are not counted
        Assert.Equal("true", Orphan(orphan));

        Clock.Advance(TimeSpan.FromHours(GraceHours) - TimeSpan.FromMinutes(1));
        await RefreshAsync(admin, id);
        Assert.Equal("true", Orphan(await EntityAsync(admin, "leaves"))); // still within the grace period

        Clock.Advance(TimeSpan.FromMinutes(1));
        await RefreshAsync(admin, id);

        var gone = await admin.GetAsync(new Uri("/api/catalog/entities/by-name/component/default/leaves", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Null(Orphan(await EntityAsync(admin, "stays")));
        await using var db = await _factory.DbAsync();
        Assert.False(await db.CatalogRelations.AnyAsync(r => r.OriginRef == "component:default/leaves"), "its relations go with it");
        Assert.DoesNotContain("component:default/leaves", await admin.GetStringAsync("/api/catalog/entities?filter=kind=component&fields=metadata.name"),
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_entity_that_comes_back_within_the_grace_period_is_no_orphan_and_its_clock_restarts()
    {
        var root = _files.Write("returns/catalog-info.yaml", Component("returns-a") + "\n---\n" + Component("returns-b"));
        using var admin = _factory.AdminClient();
        var created = await admin.PostAsJsonAsync("/api/catalog/locations", new { type = "file", target = root });
        var id = (await created.Content.ReadFromJsonAsync<JsonObject>())!["location"]!["id"]!.GetValue<string>();

        File.WriteAllText(root, Component("returns-a"));
        await RefreshAsync(admin, id);
        Clock.Advance(TimeSpan.FromHours(GraceHours - 1));
        File.WriteAllText(root, Component("returns-a") + "\n---\n" + Component("returns-b"));
        await RefreshAsync(admin, id);
        Assert.Null(Orphan(await EntityAsync(admin, "returns-b")));

        File.WriteAllText(root, Component("returns-a"));
        await RefreshAsync(admin, id);
        Clock.Advance(TimeSpan.FromHours(2)); // 25 hours after it first vanished, 2 after it vanished again
        await RefreshAsync(admin, id);

        Assert.Equal("true", Orphan(await EntityAsync(admin, "returns-b")));
    }

    private static async Task<JsonObject> RefreshAsync(HttpClient admin, string id)
    {
        var response = await admin.PostAsync(new Uri($"/api/catalog/locations/{id}/refresh", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    private static async Task<JsonObject> EntityAsync(HttpClient admin, string name) =>
        (await admin.GetFromJsonAsync<JsonObject>($"/api/catalog/entities/by-name/component/default/{name}"))!;

    private static string? Orphan(JsonObject entity) => entity["metadata"]!["annotations"]?["backstage.io/orphan"]?.GetValue<string>();
}
