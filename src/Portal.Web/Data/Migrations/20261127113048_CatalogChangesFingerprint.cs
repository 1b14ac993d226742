using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class CatalogChangesFingerprint : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // A random fingerprint per change: the sum of weights alone comes back to an earlier value when the
            // database is restored to an earlier state and then changed again, and the search index would take the
            // new state for the one it holds. The volatile default gives each existing row its own value.
            migrationBuilder.Sql("""
                ALTER TABLE catalog_changes ADD COLUMN fingerprint bigint NOT NULL DEFAULT floor(random() * 4503599627370496)::bigint;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("ALTER TABLE catalog_changes DROP COLUMN fingerprint;");
        }
    }
}
