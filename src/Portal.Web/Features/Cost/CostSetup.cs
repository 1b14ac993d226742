using Hangfire;
using Microsoft.Extensions.Options;
using Portal.Web.Features.Catalog;
using Portal.Web.Features.Cost.Pages;
using Portal.Web.Infrastructure.Extensions;

namespace Portal.Web.Features.Cost;

public static class CostSetup
{
    public static WebApplicationBuilder AddCost(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<CostAttributionOptions>().BindConfiguration(CostAttributionOptions.Section);
        builder.Services.AddOptions<CostOptions>().BindConfiguration(CostOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddTransient<CostBudgetAlertJob>();
        builder.Services.AddTransient<CostFolderImportJob>();
        builder.Services.AddTransient<CostRecomputeJob>();
        builder.Services.AddOptions<OpenCostOptions>().BindConfiguration(OpenCostOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddHttpClient(OpenCostImportJob.HttpClientName, c => c.Timeout = TimeSpan.FromMinutes(2));
        builder.Services.AddTransient<OpenCostImportJob>();
        builder.Services.AddSingleton(new EntityTab("Cost", "cost", new HashSet<string> { CatalogKinds.Component, CatalogKinds.Group }, typeof(EntityCost), 30));
        builder.Services.AddSingleton(new EnvironmentCard(typeof(EnvironmentCostCard), 10));
        builder.Services.AddSingleton<IComponentFactColumn, CostFactColumn>();
        return builder;
    }

    public static void ScheduleCostJobs(this WebApplication app)
    {
        var jobs = app.Services.GetRequiredService<IRecurringJobManager>();
        jobs.AddOrUpdate<CostBudgetAlertJob>(CostBudgetAlertJob.RecurringId, j => j.RunAsync(CancellationToken.None), "*/15 * * * *");
        if (string.IsNullOrWhiteSpace(app.Services.GetRequiredService<IOptions<OpenCostOptions>>().Value.Url))
        {
            jobs.RemoveIfExists(OpenCostImportJob.RecurringId);
        }
        else
        {
            jobs.AddOrUpdate<OpenCostImportJob>(OpenCostImportJob.RecurringId, j => j.RunAsync(CancellationToken.None), "17 * * * *");
        }
        var options = app.Services.GetRequiredService<IOptions<CostOptions>>().Value;
        if (string.IsNullOrWhiteSpace(options.WatchFolder))
        {
            jobs.RemoveIfExists(CostFolderImportJob.RecurringId);
        }
        else
        {
            jobs.AddOrUpdate<CostFolderImportJob>(CostFolderImportJob.RecurringId, j => j.RunAsync(CancellationToken.None),
                $"*/{Math.Clamp(options.WatchIntervalMinutes, 1, 59)} * * * *");
        }
    }

    public static void MapCost(this WebApplication app) => app.MapCostEndpoints();
}
