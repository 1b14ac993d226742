using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class CatalogFilterIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Expression indexes (EF's model cannot declare them) for the case-insensitive spec.type and
            // spec.lifecycle filters. The INCLUDE lets a count be an index-only scan: PostgreSQL only plans one
            // when every column the query mentions is in the index, even inside lower().
            migrationBuilder.Sql("CREATE INDEX ix_catalog_entities_kind_lower_lifecycle ON catalog_entities (kind, lower(lifecycle)) INCLUDE (lifecycle);");
            migrationBuilder.Sql("CREATE INDEX ix_catalog_entities_kind_lower_type ON catalog_entities (kind, lower(type)) INCLUDE (type);");
            // Tag and owner facets per kind read only the index.
            migrationBuilder.Sql("CREATE INDEX ix_catalog_entities_kind_facets ON catalog_entities (kind) INCLUDE (tags, owner);");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP INDEX ix_catalog_entities_kind_facets;");
            migrationBuilder.Sql("DROP INDEX ix_catalog_entities_kind_lower_type;");
            migrationBuilder.Sql("DROP INDEX ix_catalog_entities_kind_lower_lifecycle;");
        }
    }
}
