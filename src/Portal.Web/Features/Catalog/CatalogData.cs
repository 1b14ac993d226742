using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;

namespace Portal.Web.Features.Catalog;

/// <summary>The catalog's tables; only the catalog reads them (others use <see cref="CatalogReads"/>). The rule: see <see cref="PortalDbContext"/>.</summary>
public static class CatalogData
{
    extension(PortalDbContext db)
    {
        public DbSet<CatalogEntity> CatalogEntities => db.Set<CatalogEntity>();
        public DbSet<CatalogLocation> CatalogLocations => db.Set<CatalogLocation>();
        public DbSet<CatalogRelation> CatalogRelations => db.Set<CatalogRelation>();
        public DbSet<CatalogStar> CatalogStars => db.Set<CatalogStar>();
        public DbSet<CatalogVisit> CatalogVisits => db.Set<CatalogVisit>();
    }
}
