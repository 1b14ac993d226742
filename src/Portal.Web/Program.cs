using Portal.Web.Components;
using Portal.Web.Features.Catalog;
using Portal.Web.Features.Cost;
using Portal.Web.Features.Delivery;
using Portal.Web.Features.Demo;
using Portal.Web.Features.Environments;
using Portal.Web.Features.Identity;
using Portal.Web.Features.Inbox;
using Portal.Web.Features.Incidents;
using Portal.Web.Features.Scorecards;
using Portal.Web.Features.Slo;
using Portal.Web.Features.Slo.Ingestion;
using Portal.Web.Features.Templates;
using Portal.Web.Infrastructure.Files;
using Portal.Web.Infrastructure.Hosting;
using Portal.Web.Infrastructure.Jobs;
using Portal.Web.Infrastructure.Notifications;

try
{
    var builder = WebApplication.CreateBuilder(args);
    builder.AddPortalDatabase();
    builder.AddObservability();
    builder.AddJobs();
    builder.AddUi();
    builder.AddIdentityAndAccess();
    builder.AddCatalog();
    builder.AddNotifications();
    builder.AddInbox();
    builder.AddEnvironments();
    builder.AddCost();
    builder.AddTemplates();
    builder.AddSlo();
    builder.AddDelivery();
    builder.AddIncidents();
    builder.AddScorecards();
    builder.AddDemo();

    await using var app = builder.Build();
    if (args.Contains("migrate", StringComparer.Ordinal))
    {
        await app.MigrateAsync();
        return 0;
    }
    if (args.Contains("wait-for-migrations", StringComparer.Ordinal))
    {
        await app.WaitForMigrationsAsync(TimeSpan.FromSeconds(2));
        return 0;
    }
    app.UsePortalTempFolder();
    // Replicas starting together take turns: each step below checks, then writes shared rows.
    await using (await StartupLock.AcquireAsync(app.Services.GetRequiredService<PortalDatabase>().ConnectionString))
    {
        await app.PrepareDatabaseAsync();
        await app.SeedDemoAsync();
        app.EnsureDataProtectionKey();
        await app.EnsureAdminAccountAsync(app.Services.GetRequiredService<PortalDatabase>().IsEmbedded);
        await app.RegisterBuiltInTemplatesAsync();
        await app.FoldLegacyStreamJournalAsync();
        await app.EnsureBuiltInScorecardsAsync();
    }

    // First: the OTLP/gRPC listener serves its service and nothing else.
    app.UseOtlpGrpcListener();
    app.UseUi();
    app.UseIdentityAndAccess();
    app.UseMiddleware<StorableTextGuard>();
    app.MapHealth();
    app.MapJobsDashboard();
    app.MapIdentityAndAccess();
    app.MapCatalog();
    app.ScheduleCatalogJobs();
    app.MapEnvironments();
    app.ScheduleEnvironmentJobs();
    app.MapCost();
    app.ScheduleCostJobs();
    app.MapTemplates();
    app.ScheduleTemplateJobs();
    app.MapSlo();
    app.ScheduleSloJobs();
    app.MapDelivery();
    app.ScheduleDeliveryJobs();
    app.MapIncidents();
    app.ScheduleIncidentJobs();
    app.MapScorecards();
    app.ScheduleScorecardJobs();
    app.MapUi();
    await app.RunAsync();
    return 0;
}
catch (PortalStartupException ex)
{
    // A start-up problem the operator can fix: one clear message, no stack trace.
    Console.Error.WriteLine(ex.Message);
    return 1;
}
catch (IOException ex) when (ex.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
{
    // Kestrel could not bind (e.g. the port was taken after the gRPC port's check): one line naming the address.
    Console.Error.WriteLine($"{ex.Message} Choose a free port: ASPNETCORE_URLS for the web addresses, Portal:Slo:GrpcPort for the OTLP/gRPC receiver.");
    return 1;
}

/// <summary>Entry point type, public for WebApplicationFactory.</summary>
public partial class Program;
