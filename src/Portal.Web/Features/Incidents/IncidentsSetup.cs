using Hangfire;
using Portal.Web.Infrastructure.Extensions;

namespace Portal.Web.Features.Incidents;

public static class IncidentsSetup
{
    public static WebApplicationBuilder AddIncidents(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<IncidentsOptions>().BindConfiguration(IncidentsOptions.Section).ValidateDataAnnotations()
            .Validate(o => o.Problem() is null, "Portal:Incidents: each receiver needs a Format (pagerduty, slack, teams, opsgenie, email, json), an absolute http(s) Url "
                + "(but email), a RoutingKey for pagerduty, an ApiKey for opsgenie, To addresses for email, and email needs Portal:Incidents:Smtp Host and From.")
            .ValidateOnStart();
        builder.Services.AddSingleton(sp => IncidentReads.Routing(sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<IncidentsOptions>>().Value));
        builder.Services.AddSingleton<IncidentMailer>();
        builder.Services.AddOptions<OnCallContactsOptions>().BindConfiguration(OnCallContactsOptions.Section).ValidateOnStart();
        builder.Services.AddHttpClient(OnCallContactPager.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(10))
            .ConfigurePrimaryHttpMessageHandler(OnCallContactPager.Handler);
        builder.Services.AddSingleton<OnCallContactPager>();
        builder.Services.AddSingleton<IncidentNotifier>();
        builder.Services.AddSingleton<IAlertListener, IncidentAlertListener>();
        builder.Services.AddSingleton<IAlertSuppressor, MaintenanceSuppressor>();
        builder.Services.AddSingleton<IEntityTimeBands, MaintenanceBands>();
        builder.Services.AddTransient<IncidentEscalationJob>();
        builder.Services.AddSingleton(new HomeCard(typeof(Pages.MyIncidentsHomeCard), 25));
        // The component page's Incidents tab, where anyone who may write declares an incident (the catalog knows no incidents).
        builder.Services.AddSingleton(new EntityTab("Incidents", "incidents", new HashSet<string>(["Component"], StringComparer.Ordinal), typeof(Pages.ComponentIncidents), 40));
        builder.Services.AddSingleton(new EntityBanner(new HashSet<string>(["Component"], StringComparer.Ordinal), typeof(Pages.MaintenanceBanner), 10));
        return builder;
    }

    /// <summary>Unacknowledged incidents are checked for escalation once a minute under a stable id.</summary>
    public static void ScheduleIncidentJobs(this WebApplication app) =>
        app.Services.GetRequiredService<IRecurringJobManager>()
            .AddOrUpdate<IncidentEscalationJob>(IncidentEscalationJob.RecurringId, j => j.RunAsync(CancellationToken.None), Cron.Minutely());

    public static void MapIncidents(this WebApplication app)
    {
        app.MapIncidentEndpoints();
        app.MapOnCallEndpoints();
    }
}
