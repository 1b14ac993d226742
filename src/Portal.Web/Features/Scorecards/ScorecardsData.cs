using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;

namespace Portal.Web.Features.Scorecards;

/// <summary>The scorecards' tables. The rule: see <see cref="PortalDbContext"/>.</summary>
public static class ScorecardsData
{
    extension(PortalDbContext db)
    {
        public DbSet<Scorecard> Scorecards => db.Set<Scorecard>();
        public DbSet<ScorecardResult> ScorecardResults => db.Set<ScorecardResult>();
        public DbSet<ScorecardHistory> ScorecardHistory => db.Set<ScorecardHistory>();
        public DbSet<ScorecardRun> ScorecardRuns => db.Set<ScorecardRun>();
        public DbSet<Campaign> Campaigns => db.Set<Campaign>();
        public DbSet<CampaignSnapshot> CampaignSnapshots => db.Set<CampaignSnapshot>();
    }
}
