using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Web.Data;
using Portal.Web.Features.Catalog;
using Portal.Web.Features.Catalog.Ingestion;
using Portal.Web.Features.Identity;
using Portal.Web.Features.Templates.Actions;

namespace Portal.Web.Features.Templates;

public static class TemplatesSetup
{
    public const string BuiltInsRegisteredKey = "builtin-templates-registered";

    public static WebApplicationBuilder AddTemplates(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<TemplatesOptions>().BindConfiguration(TemplatesOptions.Section).ValidateDataAnnotations()
            .Validate(o => Uri.TryCreate(o.GitHub.ApiBaseUrl, UriKind.Absolute, out var api) && api.Scheme is "https" or "http",
                "Portal:Templates:GitHub:ApiBaseUrl must be an absolute http(s) URL, e.g. https://api.github.com.")
            .ValidateOnStart();
        builder.Services.AddSingleton(new Infrastructure.Extensions.HomeCard(typeof(Pages.MyTasksHomeCard), 50));
        builder.Services.AddSingleton<IScaffolderAction, FetchTemplateAction>();
        builder.Services.AddSingleton<IScaffolderAction, FetchPlainAction>();
        builder.Services.AddSingleton<IScaffolderAction, PublishGitAction>();
        builder.Services.AddSingleton<IScaffolderAction, PublishGitHubAction>();
        builder.Services.AddSingleton<IScaffolderAction, PublishGitHubPullRequestAction>();
        builder.Services.AddSingleton<IScaffolderAction, CatalogRegisterAction>();
        builder.Services.AddSingleton<IScaffolderAction, DebugLogAction>();
        builder.Services.AddSingleton<IScaffolderAction, FetchPlainFileAction>();
        builder.Services.AddSingleton<IScaffolderAction, FsRenameAction>();
        builder.Services.AddSingleton<IScaffolderAction, FsDeleteAction>();
        builder.Services.AddSingleton<IScaffolderAction, CatalogWriteAction>();
        builder.Services.AddPortalActions();
        builder.Services.AddSingleton<PortalAddress>();
        builder.Services.AddSingleton<RepositoryBrowser>();
        builder.Services.AddSingleton<TemplateRunner>();
        builder.Services.AddSingleton<ScaffolderService>();
        builder.Services.AddTransient<ScaffolderTaskJob>();
        builder.Services.AddOptions<PublishedCleanupOptions>().BindConfiguration(PublishedCleanupOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddTransient<PublishedCleanupJob>();
        builder.Services.AddSingleton<ScaffolderTaskWatchdog>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ScaffolderTaskWatchdog>());
        builder.Services.AddHttpClient("github", c => c.Timeout = TimeSpan.FromSeconds(30));
        builder.Services.AddGitLabActions();
        return builder;
    }

    public static void MapTemplates(this WebApplication app) => app.MapTemplatesApi();

    /// <summary>The cleanup of the work folder runs hourly under a stable id.</summary>
    public static void ScheduleTemplateJobs(this WebApplication app) =>
        app.Services.GetRequiredService<IRecurringJobManager>().AddOrUpdate<PublishedCleanupJob>(
            PublishedCleanupJob.RecurringId, j => j.RunAsync(CancellationToken.None), "41 * * * *");

    /// <summary>
    /// Registers the built-in templates once per database as a file location (so they refresh with the catalog
    /// and can be removed like any location).
    /// </summary>
    public static async Task RegisterBuiltInTemplatesAsync(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<TemplatesOptions>>().Value;
        // Publish folders a crashed portal left behind (a held one belongs to a running portal and is kept).
        foreach (var folder in PublishedCleanupJob.WorkspaceFolders)
        {
            Infrastructure.Files.ScratchFolder.CleanAbandoned(Path.Combine(options.ResolveWorkDirectory(), folder));
        }
        if (!options.RegisterBuiltIns)
        {
            return;
        }
        var directory = options.ResolveBuiltInDirectory();
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        if (!Directory.Exists(directory) || await db.Settings.AnyAsync(s => s.Key == BuiltInsRegisteredKey))
        {
            return;
        }
        var time = app.Services.GetRequiredService<TimeProvider>();
        var outcome = await CatalogLocations.RegisterAsync(db, app.Services.GetRequiredService<LocationReader>(),
            app.Services.GetRequiredService<IOptions<CatalogOptions>>().Value, time, AuditActor.System, LocationRegistrant.System,
            new RegisterLocationRequest("file", Path.Combine(Path.GetFullPath(directory), "*", "template.yaml"), null, null), dryRun: false, CancellationToken.None);
        if (outcome.Errors.Count > 0)
        {
            app.Logger.LogWarning("The built-in templates were not registered: {Errors}", string.Join(" ", outcome.Errors.SelectMany(e => e.Value)));
            return;
        }
        db.Settings.Add(new PortalSetting { Key = BuiltInsRegisteredKey, Value = directory, UpdatedAt = time.GetUtcNow() });
        await db.SaveChangesAsync();
    }
}
