namespace Portal.Web.Infrastructure.Notifications;

public static class NotificationSetup
{
    public static WebApplicationBuilder AddNotifications(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<NotificationOptions>().BindConfiguration(NotificationOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddHttpClient(WebhookNotifier.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(10));
        builder.Services.AddSingleton<WebhookNotifier>();
        return builder;
    }
}
