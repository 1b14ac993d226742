using Portal.Web.Infrastructure.Extensions;

namespace Portal.Web.Features.Incidents;

public static class IncidentsSetup
{
    public static WebApplicationBuilder AddIncidents(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<IncidentsOptions>().BindConfiguration(IncidentsOptions.Section)
            .Validate(o => o.Problem() is null, "Portal:Incidents:Receivers: each needs an absolute http(s) Url, a Format (pagerduty, slack, json), and a RoutingKey for pagerduty.")
            .ValidateOnStart();
        builder.Services.AddSingleton<IncidentNotifier>();
        builder.Services.AddSingleton<IAlertListener, IncidentAlertListener>();
        return builder;
    }

    public static void MapIncidents(this WebApplication app) => app.MapIncidentEndpoints();
}
