using Hangfire;
using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;
using Portal.Web.Features.Catalog;
using Portal.Web.Features.Scorecards.Pages;
using Portal.Web.Infrastructure.Extensions;

namespace Portal.Web.Features.Scorecards;

public static class ScorecardsSetup
{
    public static WebApplicationBuilder AddScorecards(this WebApplicationBuilder builder)
    {
        builder.Services.AddTransient<ScorecardEvaluationJob>();
        builder.Services.AddTransient<CampaignReminderJob>();
        builder.Services.AddSingleton<ICatalogListFilter, ScorecardCatalogFilters.Level>();
        builder.Services.AddSingleton<ICatalogListFilter, ScorecardCatalogFilters.Rule>();
        builder.Services.AddSingleton(new EntityTab("Scorecards", "scorecards", CatalogKinds.All.ToHashSet(), typeof(EntityScorecards), 30));
        builder.Services.AddSingleton<IComponentFactColumn, ScorecardFactColumn>();
        return builder;
    }

    public static void MapScorecards(this WebApplication app) => app.MapScorecardEndpoints();

    /// <summary>Seeds the built-in scorecards that are missing, so they ship enabled on a new install.</summary>
    public static async Task EnsureBuiltInScorecardsAsync(this WebApplication app)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        await ScorecardCommands.EnsureBuiltInsAsync(db, app.Services.GetRequiredService<TimeProvider>().GetUtcNow(), CancellationToken.None);
    }

    /// <summary>A full evaluation every hour (SLOs, telemetry and cost move on their own), and one within a minute of a catalog change.</summary>
    public static void ScheduleScorecardJobs(this WebApplication app)
    {
        var jobs = app.Services.GetRequiredService<IRecurringJobManager>();
        jobs.AddOrUpdate<ScorecardEvaluationJob>(ScorecardEvaluationJob.RecurringId, j => j.RunAsync(null, CancellationToken.None), Cron.Hourly(7));
        jobs.AddOrUpdate<ScorecardEvaluationJob>(ScorecardEvaluationJob.OnChangeRecurringId, j => j.OnCatalogChangeAsync(CancellationToken.None), Cron.Minutely());
        jobs.AddOrUpdate<CampaignReminderJob>(CampaignReminderJob.RecurringId, j => j.RunAsync(CancellationToken.None), Cron.Daily(8));
    }
}
