using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Portal.Web.Features.Identity;

namespace Portal.Web.Data;

/// <summary>
/// The one database context. It declares only what the shared core needs (Identity's user type, settings, Data
/// Protection keys); each feature owns its entities, their configuration (found by ApplyConfigurationsFromAssembly)
/// and its DbSets, declared as C# 14 extension properties in <c>Features/&lt;Feature&gt;/&lt;Feature&gt;Data.cs</c>, so
/// <c>db.CatalogEntities</c> compiles wherever the feature's namespace is in scope. Extension properties cannot appear in
/// expression trees: a subquery inside a LINQ lambda names its set in a local first (or uses <c>db.Set&lt;T&gt;()</c>).
/// </summary>
public sealed class PortalDbContext(DbContextOptions<PortalDbContext> options)
    : IdentityDbContext<PortalUser>(options), IDataProtectionKeyContext
{
    public DbSet<PortalSetting> Settings => Set<PortalSetting>();

    /// <summary>ASP.NET Data Protection keys, shared by every replica (cookies and antiforgery tokens).</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.HasPostgresExtension("pg_trgm");
        builder.ApplyConfigurationsFromAssembly(typeof(PortalDbContext).Assembly);
    }
}
