using Portal.Web.Infrastructure.Extensions;

namespace Portal.Web.Features.Inbox;

/// <summary>The in-portal inbox: the bell in the app bar, /notifications, and a home card.</summary>
public static class InboxSetup
{
    public static WebApplicationBuilder AddInbox(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<InboxOptions>().BindConfiguration(InboxOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<InboxNotifier>();
        builder.Services.AddSingleton<InboxSender>();
        builder.Services.AddHostedService<InboxWatcher>();
        builder.Services.AddSingleton<InboxQueries>();
        builder.Services.AddSingleton(new HomeCard(typeof(Pages.InboxHomeCard), 48));
        return builder;
    }
}
