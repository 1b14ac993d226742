using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;

namespace Portal.Web.Features.Environments;

/// <summary>The environments' tables; other features use <c>EnvironmentReads</c>. The rule: see <see cref="PortalDbContext"/>.</summary>
public static class EnvironmentsData
{
    extension(PortalDbContext db)
    {
        public DbSet<PortalEnvironment> Environments => db.Set<PortalEnvironment>();
        public DbSet<EnvironmentTransition> EnvironmentTransitions => db.Set<EnvironmentTransition>();
        public DbSet<EnvironmentRun> EnvironmentRuns => db.Set<EnvironmentRun>();
        public DbSet<EnvironmentLogLine> EnvironmentLogLines => db.Set<EnvironmentLogLine>();
        public DbSet<EnvironmentPolicyVersion> EnvironmentPolicyVersions => db.Set<EnvironmentPolicyVersion>();
        public DbSet<PolicyDecision> PolicyDecisions => db.Set<PolicyDecision>();
    }
}
