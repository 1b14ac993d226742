using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Portal.Web.Features.Catalog;
using Portal.Web.Features.Cost;
using Portal.Web.Features.Environments;
using Portal.Web.Features.Identity;
using Portal.Web.Features.Templates;

namespace Portal.Web.Data;

/// <summary>The one database context. Each feature owns its entities and their configuration.</summary>
public sealed class PortalDbContext(DbContextOptions<PortalDbContext> options)
    : IdentityDbContext<PortalUser>(options), IDataProtectionKeyContext
{
    public DbSet<CatalogEntity> CatalogEntities => Set<CatalogEntity>();
    public DbSet<CatalogLocation> CatalogLocations => Set<CatalogLocation>();
    public DbSet<CatalogRelation> CatalogRelations => Set<CatalogRelation>();
    public DbSet<PortalSetting> Settings => Set<PortalSetting>();
    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<PortalEnvironment> Environments => Set<PortalEnvironment>();
    public DbSet<EnvironmentTransition> EnvironmentTransitions => Set<EnvironmentTransition>();
    public DbSet<EnvironmentRun> EnvironmentRuns => Set<EnvironmentRun>();
    public DbSet<EnvironmentLogLine> EnvironmentLogLines => Set<EnvironmentLogLine>();
    public DbSet<EnvironmentPolicyVersion> EnvironmentPolicyVersions => Set<EnvironmentPolicyVersion>();
    public DbSet<PolicyDecision> PolicyDecisions => Set<PolicyDecision>();
    public DbSet<CostImport> CostImports => Set<CostImport>();
    public DbSet<CostLineItem> CostLineItems => Set<CostLineItem>();
    public DbSet<CostDaily> CostDaily => Set<CostDaily>();
    public DbSet<CostAllocationRule> CostAllocationRules => Set<CostAllocationRule>();
    public DbSet<CostBudget> CostBudgets => Set<CostBudget>();
    public DbSet<CostBudgetAlert> CostBudgetAlerts => Set<CostBudgetAlert>();
    public DbSet<ScaffolderTask> ScaffolderTasks => Set<ScaffolderTask>();
    public DbSet<ScaffolderLogLine> ScaffolderLogLines => Set<ScaffolderLogLine>();

    /// <summary>ASP.NET Data Protection keys, shared by every replica (cookies and antiforgery tokens).</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.HasPostgresExtension("pg_trgm");
        builder.ApplyConfigurationsFromAssembly(typeof(PortalDbContext).Assembly);
    }
}
