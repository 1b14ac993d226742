using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;

namespace Portal.Web.Features.Templates;

/// <summary>The scaffolder's tables. The rule: see <see cref="PortalDbContext"/>.</summary>
public static class TemplatesData
{
    extension(PortalDbContext db)
    {
        public DbSet<ScaffolderTask> ScaffolderTasks => db.Set<ScaffolderTask>();
        public DbSet<ScaffolderLogLine> ScaffolderLogLines => db.Set<ScaffolderLogLine>();
    }
}
