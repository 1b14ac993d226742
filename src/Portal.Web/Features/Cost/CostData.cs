using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;

namespace Portal.Web.Features.Cost;

/// <summary>Cost's tables. The rule: see <see cref="PortalDbContext"/>.</summary>
public static class CostData
{
    extension(PortalDbContext db)
    {
        public DbSet<CostImport> CostImports => db.Set<CostImport>();
        public DbSet<CostLineItem> CostLineItems => db.Set<CostLineItem>();
        public DbSet<CostDaily> CostDaily => db.Set<CostDaily>();
        public DbSet<CostAllocationRule> CostAllocationRules => db.Set<CostAllocationRule>();
        public DbSet<CostBudget> CostBudgets => db.Set<CostBudget>();
        public DbSet<CostBudgetAlert> CostBudgetAlerts => db.Set<CostBudgetAlert>();
    }
}
