using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class CatalogUnusedIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // No query uses these, and each costs every bulk import index maintenance: relations are looked up by
            // source (both directions are rows) or by (target_ref, type); lifecycle filters use lower(lifecycle)
            // with the kind; tag filters use filter_keys and the tag facet the (kind) INCLUDE (tags) index.
            migrationBuilder.DropIndex(
                name: "ix_catalog_relations_type_target_ref",
                table: "catalog_relations");

            migrationBuilder.DropIndex(
                name: "ix_catalog_entities_lifecycle",
                table: "catalog_entities");

            migrationBuilder.DropIndex(
                name: "ix_catalog_entities_tags",
                table: "catalog_entities");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_catalog_relations_type_target_ref",
                table: "catalog_relations",
                columns: new[] { "type", "target_ref" });

            migrationBuilder.CreateIndex(
                name: "ix_catalog_entities_lifecycle",
                table: "catalog_entities",
                column: "lifecycle");

            migrationBuilder.CreateIndex(
                name: "ix_catalog_entities_tags",
                table: "catalog_entities",
                column: "tags")
                .Annotation("Npgsql:IndexMethod", "gin");
        }
    }
}
