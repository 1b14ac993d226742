using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;

namespace Portal.Web.Infrastructure.Hosting;

public static class DatabaseSetup
{
    public const string ConnectionStringName = "Portal";

    public static WebApplicationBuilder AddPortalDatabase(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<PortalDatabase>();
        builder.Services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.Section).ValidateOnStart();
        builder.Services.AddDbContextFactory<PortalDbContext>((sp, o) => o
            .UseNpgsql(sp.GetRequiredService<PortalDatabase>().ConnectionString, npgsql => npgsql.MigrationsHistoryTable("__ef_migrations_history"))
            .UseSnakeCaseNamingConvention());
        builder.Services.AddHealthChecks().AddDbContextCheck<PortalDbContext>("database", tags: ["ready"]);
        return builder;
    }

    /// <summary>The explicit production step: <c>dotnet Portal.Web.dll migrate</c>.</summary>
    public static async Task MigrateAsync(this WebApplication app)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        await RefusePreBaselineAsync(db, app.Services.GetRequiredService<PortalDatabase>());
        var pending = (await db.Database.GetPendingMigrationsAsync()).ToList();
        await db.Database.MigrateAsync();
        app.Logger.LogInformation("Applied {Count} migration(s): {Migrations}", pending.Count, string.Join(", ", pending));
    }

    /// <summary>
    /// <c>dotnet Portal.Web.dll wait-for-migrations</c>, the web pods' init container: returns once the database has
    /// every migration this version knows (the migrate Job applied them), waiting (not failing) while it is behind or
    /// unreachable, so a rollout's pods become ready after the schema instead of restarting until it is.
    /// </summary>
    public static async Task WaitForMigrationsAsync(this WebApplication app, TimeSpan poll, CancellationToken cancellationToken = default)
    {
        var factory = app.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        while (true)
        {
            try
            {
                await using var db = await factory.CreateDbContextAsync(cancellationToken);
                var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
                if (pending.Count == 0)
                {
                    app.Logger.LogInformation("The database schema is up to date.");
                    return;
                }
                app.Logger.LogInformation("Waiting for {Count} pending migration(s): {Migrations}", pending.Count, string.Join(", ", pending));
            }
            catch (Npgsql.NpgsqlException ex)
            {
                app.Logger.LogInformation("Waiting for the database: {Message}", ex.Message);
            }
            await Task.Delay(poll, cancellationToken);
        }
    }

    /// <summary>
    /// Brings the schema up to date where that is allowed and refuses to serve a database that is
    /// behind the code (the demo organisation is seeded afterwards, by <c>Features/Demo</c>).
    /// </summary>
    public static async Task PrepareDatabaseAsync(this WebApplication app)
    {
        var database = app.Services.GetRequiredService<PortalDatabase>();
        var autoMigrate = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<DatabaseOptions>>().Value.AutoMigrate
            ?? (database.IsEmbedded || app.Environment.IsDevelopment());

        await using var db = await app.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        await RefusePreBaselineAsync(db, database);
        var pending = (await db.Database.GetPendingMigrationsAsync()).ToList();
        if (pending.Count > 0)
        {
            if (!autoMigrate)
            {
                throw new PortalStartupException(
                    $"The database is behind this version of Portal ({pending.Count} pending migration(s): {string.Join(", ", pending)}). " +
                    "Run 'dotnet Portal.Web.dll migrate' first, or set Portal:Database:AutoMigrate=true.");
            }
            await db.Database.MigrateAsync();
            app.Logger.LogInformation("Applied {Count} migration(s).", pending.Count);
        }
    }

    /// <summary>
    /// The pre-release migrations were squashed into one baseline (no database had been released). A database they
    /// created records migrations this version does not know and lacks the baseline, and migrating it would fail on its
    /// existing tables: refuse it in one line that says how to recreate it, instead of a stack trace.
    /// </summary>
    private static async Task RefusePreBaselineAsync(PortalDbContext db, PortalDatabase database)
    {
        if (await PreBaselineMigrationAsync(db) is not { } last)
        {
            return;
        }
        var how = database.Embedded is { } embedded
            ? $"stop the portal and delete the embedded data directory {embedded.DataDirectory}, or set Portal:EmbeddedPostgres:DataDirectory to a new folder"
            : "drop and recreate the database (or point Portal:Database at an empty one)";
        throw new PortalStartupException($"This database was created by a pre-release version of Portal (last migration {last}) and must be recreated: {how}.");
    }

    /// <summary>The last migration a pre-baseline database records, or null when it has none or knows one of this version's.</summary>
    public static async Task<string?> PreBaselineMigrationAsync(PortalDbContext db)
    {
        var known = db.Database.GetMigrations().ToHashSet(StringComparer.Ordinal);
        var applied = (await db.Database.GetAppliedMigrationsAsync()).ToList();
        return applied.Count == 0 || applied.Any(known.Contains) ? null : applied[^1];
    }
}
