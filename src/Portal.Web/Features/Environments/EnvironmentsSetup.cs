using Hangfire;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Portal.Web.Features.Environments.Drivers;
using Portal.Web.Features.Catalog;
using Portal.Web.Features.Environments.Pages;
using Portal.Web.Infrastructure.Extensions;

namespace Portal.Web.Features.Environments;

public static class EnvironmentsSetup
{
    public static WebApplicationBuilder AddEnvironments(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<EnvironmentsOptions>().BindConfiguration(EnvironmentsOptions.Section).ValidateDataAnnotations()
            .Validate(o => o.DefaultDriver is GitOpsDriver.DriverName or TerraformDriver.DriverName, "Portal:Environments:DefaultDriver must be gitops or terraform.")
            .ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<IEnvironmentDriver, GitOpsDriver>();
        builder.Services.AddSingleton<IEnvironmentDriver, TerraformDriver>();
        builder.Services.AddSingleton<EnvironmentService>();
        builder.Services.AddTransient<EnvironmentRunJob>();
        builder.Services.AddTransient<EnvironmentExpiryJob>();
        builder.Services.AddSingleton<EnvironmentRunWatchdog>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<EnvironmentRunWatchdog>());
        builder.Services.AddSingleton(new HomeCard(typeof(ApprovalsHomeCard), 5));
        builder.Services.AddSingleton(new HomeCard(typeof(MyEnvironmentsHomeCard), 30));
        builder.Services.AddSingleton(new EntityTab("Environments", "environments", new HashSet<string> { CatalogKinds.Component }, typeof(ComponentEnvironments), 20));
        return builder;
    }

    public static void MapEnvironments(this WebApplication app) => app.MapEnvironmentsApi();

    /// <summary>The TTL sweep runs every minute under a stable id.</summary>
    public static void ScheduleEnvironmentJobs(this WebApplication app) =>
        app.Services.GetRequiredService<IRecurringJobManager>().AddOrUpdate<EnvironmentExpiryJob>(
            EnvironmentExpiryJob.RecurringId, j => j.RunAsync(CancellationToken.None), Cron.Minutely());
}
