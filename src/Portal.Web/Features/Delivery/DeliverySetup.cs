using Hangfire;
using Portal.Web.Features.Catalog;
using Portal.Web.Features.Delivery.Pages;
using Portal.Web.Infrastructure.Extensions;

namespace Portal.Web.Features.Delivery;

public static class DeliverySetup
{
    public static WebApplicationBuilder AddDelivery(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<DeliveryOptions>().BindConfiguration(DeliveryOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddTransient<DeliveryRollupJob>();
        builder.Services.AddSingleton<IIncidentListener, DeliveryIncidentListener>();
        builder.Services.AddSingleton(new EntityTab("Delivery", "delivery", new HashSet<string> { CatalogKinds.Component }, typeof(ComponentDelivery), 25));
        return builder;
    }

    public static void MapDelivery(this WebApplication app) => app.MapDeliveryEndpoints();

    /// <summary>The rollup is rebuilt nightly, and once on start when it is empty but events exist.</summary>
    public static void ScheduleDeliveryJobs(this WebApplication app)
    {
        app.Services.GetRequiredService<IRecurringJobManager>()
            .AddOrUpdate<DeliveryRollupJob>(DeliveryRollupJob.RecurringId, j => j.RunAsync(CancellationToken.None), "23 2 * * *");
        app.Services.GetRequiredService<IBackgroundJobClient>().Enqueue<DeliveryRollupJob>(j => j.RunIfEmptyAsync(CancellationToken.None));
    }
}
