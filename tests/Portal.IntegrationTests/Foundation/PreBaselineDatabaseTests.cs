using Microsoft.EntityFrameworkCore;
using Portal.TestSupport;
using Portal.Web.Data;
using Portal.Web.Infrastructure.Hosting;

namespace Portal.IntegrationTests.Foundation;

/// <summary>
/// The migrations were squashed into one baseline: a database the pre-release migrations created is recognised (and the
/// portal stops with one line saying how to recreate it), while a new or a current database goes on as before.
/// </summary>
public sealed class PreBaselineDatabaseTests
{
    [Fact]
    public async Task A_database_of_the_squashed_migrations_is_recognised_and_a_current_one_is_not()
    {
        var options = new DbContextOptionsBuilder<PortalDbContext>()
            .UseNpgsql(TestCluster.CreateDatabase("prebaseline"), o => o.MigrationsHistoryTable("__ef_migrations_history"))
            .UseSnakeCaseNamingConvention().Options;
        await using var db = new PortalDbContext(options);

        Assert.Null(await DatabaseSetup.PreBaselineMigrationAsync(db));

        await db.Database.ExecuteSqlRawAsync("""
            CREATE TABLE __ef_migrations_history (migration_id character varying(150) PRIMARY KEY, product_version character varying(32) NOT NULL);
            INSERT INTO __ef_migrations_history VALUES ('20261126142803_InitialCreate', '10.0.15'), ('20261206050709_LocationRegistrant', '10.0.15');
            """);
        Assert.Equal("20261206050709_LocationRegistrant", await DatabaseSetup.PreBaselineMigrationAsync(db));

        await db.Database.ExecuteSqlRawAsync("DROP TABLE __ef_migrations_history");
        await db.Database.MigrateAsync();
        Assert.Null(await DatabaseSetup.PreBaselineMigrationAsync(db));
    }
}
