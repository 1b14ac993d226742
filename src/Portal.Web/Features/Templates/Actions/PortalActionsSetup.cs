using Portal.Web.Features.Templates.PortalApi;

namespace Portal.Web.Features.Templates.Actions;

/// <summary>The actions that talk to the portal itself: notification:send (the inbox) and http:backstage:request (its API).</summary>
public static class PortalActionsSetup
{
    public static IServiceCollection AddPortalActions(this IServiceCollection services)
    {
        services.AddSingleton<PortalPipeline>();
        services.AddSingleton<IStartupFilter, PortalPipeline.Capture>();
        services.AddSingleton<PortalApiClient>();
        services.AddSingleton<IScaffolderAction, NotificationSendAction>();
        services.AddSingleton<IScaffolderAction, HttpBackstageRequestAction>();
        return services;
    }
}
