using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;
using Portal.Web.Features.Slo.Ingestion;

namespace Portal.Web.Features.Slo;

/// <summary>The SLO feature's tables (<c>db.Set&lt;T&gt;()</c> works as well). The rule: see <see cref="PortalDbContext"/>.</summary>
public static class SloData
{
    extension(PortalDbContext db)
    {
        public DbSet<SloDefinition> SloDefinitions => db.Set<SloDefinition>();
        public DbSet<SloAlert> SloAlerts => db.Set<SloAlert>();
        public DbSet<SloCount> SloCounts => db.Set<SloCount>();
        public DbSet<StreamJournalEntry> StreamJournal => db.Set<StreamJournalEntry>();
        public DbSet<MetricStream> MetricStreams => db.Set<MetricStream>();
        public DbSet<ServiceMinute> ServiceMinutes => db.Set<ServiceMinute>();
        public DbSet<TelemetrySource> TelemetrySources => db.Set<TelemetrySource>();
    }
}
