using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;

namespace Portal.Web.Features.Inbox;

/// <summary>The inbox's table. The rule: see <see cref="PortalDbContext"/>.</summary>
public static class InboxData
{
    extension(PortalDbContext db)
    {
        public DbSet<InboxMessage> InboxMessages => db.Set<InboxMessage>();
    }
}
