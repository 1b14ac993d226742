using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;

namespace Portal.Web.Features.Delivery;

/// <summary>Delivery's tables. The rule: see <see cref="PortalDbContext"/>.</summary>
public static class DeliveryData
{
    extension(PortalDbContext db)
    {
        public DbSet<DeliveryBuild> DeliveryBuilds => db.Set<DeliveryBuild>();
        public DbSet<DeliveryDeployment> DeliveryDeployments => db.Set<DeliveryDeployment>();
        public DbSet<DeliveryDaily> DeliveryDaily => db.Set<DeliveryDaily>();
        public DbSet<GatePolicy> GatePolicies => db.Set<GatePolicy>();
        public DbSet<GateOverride> GateOverrides => db.Set<GateOverride>();
    }
}
