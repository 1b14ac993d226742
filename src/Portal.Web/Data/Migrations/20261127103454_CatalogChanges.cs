using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class CatalogChanges : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The catalog's version for CatalogSearchIndex: one row per transaction that ran a statement changing
            // catalog_entities (statement-level triggers, so bulk imports and COPY pay once per statement), and the
            // sum of the weights grows with every committed change. Folding many rows into one keeps the sum.
            migrationBuilder.Sql("""
                CREATE TABLE catalog_changes (
                    transaction_id xid8 PRIMARY KEY,
                    weight bigint NOT NULL DEFAULT 1);

                CREATE FUNCTION catalog_note_change() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO catalog_changes (transaction_id) VALUES (pg_current_xact_id()) ON CONFLICT DO NOTHING;
                    RETURN NULL;
                END $$;

                CREATE TRIGGER catalog_entities_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON catalog_entities
                    FOR EACH STATEMENT EXECUTE FUNCTION catalog_note_change();

                INSERT INTO catalog_changes (transaction_id) VALUES (pg_current_xact_id());
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER catalog_entities_changed ON catalog_entities;
                DROP FUNCTION catalog_note_change();
                DROP TABLE catalog_changes;
                """);
        }
    }
}
