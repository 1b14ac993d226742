using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;
using Portal.Web.Features.Catalog;
using Portal.Web.Features.Catalog.Ingestion;
using Portal.Web.Features.Demo;

namespace Portal.IntegrationTests.Foundation;

public sealed class DemoOrganisationTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>
{
    [Fact]
    public async Task Seeding_creates_the_organisation_once_with_every_reference_resolving()
    {
        _ = factory.Server;
        var options = new DbContextOptionsBuilder<PortalDbContext>().UseNpgsql(factory.ConnectionString).UseSnakeCaseNamingConvention().Options;
        await using var db = new PortalDbContext(options);

        var reader = new LocationReader(new CatalogOptions());
        Assert.True(await DemoOrganisation.SeedAsync(db, reader, new CatalogOptions(), TimeProvider.System, factory.DemoFolder, CancellationToken.None));
        Assert.False(await DemoOrganisation.SeedAsync(db, reader, new CatalogOptions(), TimeProvider.System, factory.DemoFolder, CancellationToken.None));
        var location = await db.CatalogLocations.AsNoTracking().SingleAsync();
        Assert.Equal("ok", location.Status); // the demo files are valid Backstage descriptors, without a single warning
        Assert.True(await db.CatalogRelations.AnyAsync(r => r.SourceRef == "group:default/payments" && r.Type == "ownerOf" && r.TargetRef == "component:default/payment-gateway"));

        var entities = await db.CatalogEntities.AsNoTracking().ToListAsync();
        var refs = entities.Select(e => e.EntityRef).ToHashSet();
        int Count(string kind) => entities.Count(e => e.Kind == kind);
        Assert.Equal(6, entities.Count(e => e.Kind == "Group" && e.Type == "team"));
        Assert.Equal(3, Count("Domain"));
        Assert.Equal(8, Count("System"));
        Assert.Equal(41, Count("Component")); // 40 services and websites of the shop, and the portal itself (its own SLO, M1)
        Assert.InRange(Count("API"), 15, 16);
        Assert.InRange(Count("Resource"), 10, 14);
        entities = entities.Where(e => e.Kind != "Location").ToList();
        Assert.All(entities.Where(e => e.Owner is not null), e => Assert.Contains(e.Owner!, refs));
        Assert.All(entities.Where(e => e.System is not null), e => Assert.Contains(e.System!, refs));
        Assert.All(entities.Where(e => e.Kind == "Component"), e =>
        {
            Assert.NotNull(e.Lifecycle);
            Assert.Equal(3, e.Document.RootElement.GetProperty("metadata").GetProperty("links").GetArrayLength());
            foreach (var field in new[] { ("providesApis", "api"), ("consumesApis", "api"), ("dependsOn", "component") })
            {
                foreach (var r in e.Document.RootElement.GetProperty("spec").GetProperty(field.Item1).EnumerateArray())
                {
                    Assert.Contains(EntityRef.Parse(r.GetString()!, field.Item2).ToString(), refs);
                }
            }
        });
    }
}
