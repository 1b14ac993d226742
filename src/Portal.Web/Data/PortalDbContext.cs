using Microsoft.EntityFrameworkCore;
using Portal.Web.Features.Catalog;

namespace Portal.Web.Data;

/// <summary>The one database context. Each feature owns its entities and their configuration.</summary>
public sealed class PortalDbContext(DbContextOptions<PortalDbContext> options) : DbContext(options)
{
    public DbSet<CatalogEntity> CatalogEntities => Set<CatalogEntity>();
    public DbSet<PortalSetting> Settings => Set<PortalSetting>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(PortalDbContext).Assembly);
    }
}
