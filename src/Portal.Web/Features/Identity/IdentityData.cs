using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;

namespace Portal.Web.Features.Identity;

/// <summary>Identity's tables (besides ASP.NET Identity's own, which the context's base class declares). The rule: see <see cref="PortalDbContext"/>.</summary>
public static class IdentityData
{
    extension(PortalDbContext db)
    {
        public DbSet<ApiToken> ApiTokens => db.Set<ApiToken>();
        public DbSet<AuditEntry> AuditEntries => db.Set<AuditEntry>();
    }
}
