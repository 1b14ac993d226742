using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;

namespace Portal.Web.Features.Incidents;

/// <summary>The incident feature's tables (<c>db.Set&lt;T&gt;()</c> works as well). The rule: see <see cref="PortalDbContext"/>.</summary>
public static class IncidentsData
{
    extension(PortalDbContext db)
    {
        public DbSet<Incident> Incidents => db.Set<Incident>();
        public DbSet<IncidentEvent> IncidentEvents => db.Set<IncidentEvent>();
        public DbSet<OnCallSchedule> OnCallSchedules => db.Set<OnCallSchedule>();
        public DbSet<OnCallContact> OnCallContacts => db.Set<OnCallContact>();
        public DbSet<MaintenanceWindow> MaintenanceWindows => db.Set<MaintenanceWindow>();
    }
}
