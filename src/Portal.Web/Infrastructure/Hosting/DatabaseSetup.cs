using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;
using Portal.Web.Features.Catalog;
using Portal.Web.Infrastructure.Postgres;

namespace Portal.Web.Infrastructure.Hosting;

public sealed class DatabaseOptions
{
    public const string Section = "Portal:Database";

    /// <summary>
    /// Apply pending migrations at start. Null means: yes for the embedded database and in
    /// Development, no elsewhere (production migrates with <c>Portal.Web migrate</c>).
    /// </summary>
    public bool? AutoMigrate { get; set; }
}

public sealed class DemoOptions
{
    public const string Section = "Portal:Demo";

    /// <summary>Seed the demo organisation on the first embedded start. Never applies in Production.</summary>
    public bool Seed { get; set; } = true;
}

/// <summary>Where the portal's database lives, for the rest of start-up to decide what to do with it.</summary>
public sealed record PortalDatabase(string ConnectionString, EmbeddedPostgres? Embedded) : IDisposable
{
    public bool IsEmbedded => Embedded is not null;

    /// <summary>Stops the embedded cluster, after the host (and its Hangfire server) has stopped.</summary>
    public void Dispose() => Embedded?.Dispose();
}

public static class DatabaseSetup
{
    public const string ConnectionStringName = "Portal";

    /// <summary>
    /// Uses <c>ConnectionStrings:Portal</c> when set; otherwise starts the embedded PostgreSQL
    /// cluster before anything else needs the database. The returned handle stops that cluster
    /// when disposed (Program.cs holds it with <c>await using</c>, so it also stops on failure).
    /// </summary>
    public static PortalDatabase AddPortalDatabase(this WebApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.GetConnectionString(ConnectionStringName);
        EmbeddedPostgres? embedded = null;
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            var options = new EmbeddedPostgresOptions();
            builder.Configuration.GetSection("Portal:EmbeddedPostgres").Bind(options);
            embedded = EmbeddedPostgres.Start(options, Console.WriteLine);
            connectionString = embedded.ConnectionString;
            builder.Configuration[$"ConnectionStrings:{ConnectionStringName}"] = connectionString;
        }

        var database = new PortalDatabase(connectionString, embedded);
        builder.Services.AddSingleton(database);
        builder.Services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.Section).ValidateOnStart();
        builder.Services.AddOptions<DemoOptions>().BindConfiguration(DemoOptions.Section).ValidateOnStart();
        builder.Services.AddDbContextFactory<PortalDbContext>(o => o
            .UseNpgsql(connectionString, npgsql => npgsql.MigrationsHistoryTable("__ef_migrations_history"))
            .UseSnakeCaseNamingConvention());
        builder.Services.AddHealthChecks().AddDbContextCheck<PortalDbContext>("database", tags: ["ready"]);
        return database;
    }

    /// <summary>The explicit production step: <c>dotnet Portal.Web.dll migrate</c>.</summary>
    public static async Task MigrateAsync(this WebApplication app)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var pending = (await db.Database.GetPendingMigrationsAsync()).ToList();
        await db.Database.MigrateAsync();
        app.Logger.LogInformation("Applied {Count} migration(s): {Migrations}", pending.Count, string.Join(", ", pending));
    }

    /// <summary>
    /// Brings the schema up to date where that is allowed, refuses to serve a database that is
    /// behind the code, and seeds the demo organisation on a first embedded start.
    /// </summary>
    public static async Task PrepareDatabaseAsync(this WebApplication app)
    {
        var database = app.Services.GetRequiredService<PortalDatabase>();
        var autoMigrate = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<DatabaseOptions>>().Value.AutoMigrate
            ?? (database.IsEmbedded || app.Environment.IsDevelopment());

        await using var db = await app.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var pending = (await db.Database.GetPendingMigrationsAsync()).ToList();
        if (pending.Count > 0)
        {
            if (!autoMigrate)
            {
                throw new ValidationException(
                    $"The database is behind this version of Portal ({pending.Count} pending migration(s): {string.Join(", ", pending)}). " +
                    "Run 'dotnet Portal.Web.dll migrate' first, or set Portal:Database:AutoMigrate=true.");
            }
            await db.Database.MigrateAsync();
            app.Logger.LogInformation("Applied {Count} migration(s).", pending.Count);
        }

        var demo = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<DemoOptions>>().Value;
        if (database.IsEmbedded && demo.Seed && !app.Environment.IsProduction()
            && await DemoOrganisation.SeedAsync(db, TimeProvider.System, CancellationToken.None))
        {
            app.Logger.LogInformation("Seeded the demo organisation (turn off with Portal:Demo:Seed=false).");
        }
    }
}
