using System;
using System.Text.Json;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;
using NpgsqlTypes;

#nullable disable

namespace Portal.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class CatalogLocations : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterDatabase()
                .Annotation("Npgsql:PostgresExtension:pg_trgm", ",,");

            migrationBuilder.AddColumn<string>(
                name: "content_hash",
                table: "catalog_entities",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string[]>(
                name: "filter_keys",
                table: "catalog_entities",
                type: "text[]",
                nullable: false,
                defaultValue: new string[0]);

            migrationBuilder.AddColumn<Guid>(
                name: "location_id",
                table: "catalog_entities",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "orphaned_at",
                table: "catalog_entities",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<NpgsqlTsVector>(
                name: "search_vector",
                table: "catalog_entities",
                type: "tsvector",
                nullable: false)
                .Annotation("Npgsql:TsVectorConfig", "simple")
                .Annotation("Npgsql:TsVectorProperties", new[] { "name", "title", "description" });

            migrationBuilder.AddColumn<string>(
                name: "source",
                table: "catalog_entities",
                type: "character varying(2000)",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "catalog_locations",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    type = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    target = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    branch = table.Column<string>(type: "text", nullable: true),
                    path = table.Column<string>(type: "text", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_by = table.Column<string>(type: "text", nullable: false),
                    last_refresh_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    last_refresh_ms = table.Column<int>(type: "integer", nullable: true),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    entity_count = table.Column<int>(type: "integer", nullable: false),
                    errors = table.Column<JsonDocument>(type: "jsonb", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_catalog_locations", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "catalog_relations",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    source_ref = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: false),
                    type = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    target_ref = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: false),
                    origin_ref = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_catalog_relations", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_catalog_entities_filter_keys",
                table: "catalog_entities",
                column: "filter_keys")
                .Annotation("Npgsql:IndexMethod", "gin");

            migrationBuilder.CreateIndex(
                name: "ix_catalog_entities_kind_type",
                table: "catalog_entities",
                columns: new[] { "kind", "type" });

            migrationBuilder.CreateIndex(
                name: "ix_catalog_entities_lifecycle",
                table: "catalog_entities",
                column: "lifecycle");

            migrationBuilder.CreateIndex(
                name: "ix_catalog_entities_location_id",
                table: "catalog_entities",
                column: "location_id");

            migrationBuilder.CreateIndex(
                name: "ix_catalog_entities_name_trgm",
                table: "catalog_entities",
                column: "name")
                .Annotation("Npgsql:IndexMethod", "gin")
                .Annotation("Npgsql:IndexOperators", new[] { "gin_trgm_ops" });

            migrationBuilder.CreateIndex(
                name: "ix_catalog_entities_search_vector",
                table: "catalog_entities",
                column: "search_vector")
                .Annotation("Npgsql:IndexMethod", "GIN");

            migrationBuilder.CreateIndex(
                name: "ix_catalog_locations_type_target_branch_path",
                table: "catalog_locations",
                columns: new[] { "type", "target", "branch", "path" },
                unique: true)
                .Annotation("Npgsql:NullsDistinct", false);

            migrationBuilder.CreateIndex(
                name: "ix_catalog_relations_origin_ref",
                table: "catalog_relations",
                column: "origin_ref");

            migrationBuilder.CreateIndex(
                name: "ix_catalog_relations_source_ref_type",
                table: "catalog_relations",
                columns: new[] { "source_ref", "type" });

            migrationBuilder.CreateIndex(
                name: "ix_catalog_relations_target_ref_type",
                table: "catalog_relations",
                columns: new[] { "target_ref", "type" });

            migrationBuilder.CreateIndex(
                name: "ix_catalog_relations_type_target_ref",
                table: "catalog_relations",
                columns: new[] { "type", "target_ref" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "catalog_locations");

            migrationBuilder.DropTable(
                name: "catalog_relations");

            migrationBuilder.DropIndex(
                name: "ix_catalog_entities_filter_keys",
                table: "catalog_entities");

            migrationBuilder.DropIndex(
                name: "ix_catalog_entities_kind_type",
                table: "catalog_entities");

            migrationBuilder.DropIndex(
                name: "ix_catalog_entities_lifecycle",
                table: "catalog_entities");

            migrationBuilder.DropIndex(
                name: "ix_catalog_entities_location_id",
                table: "catalog_entities");

            migrationBuilder.DropIndex(
                name: "ix_catalog_entities_name_trgm",
                table: "catalog_entities");

            migrationBuilder.DropIndex(
                name: "ix_catalog_entities_search_vector",
                table: "catalog_entities");

            migrationBuilder.DropColumn(
                name: "content_hash",
                table: "catalog_entities");

            migrationBuilder.DropColumn(
                name: "filter_keys",
                table: "catalog_entities");

            migrationBuilder.DropColumn(
                name: "location_id",
                table: "catalog_entities");

            migrationBuilder.DropColumn(
                name: "orphaned_at",
                table: "catalog_entities");

            migrationBuilder.DropColumn(
                name: "search_vector",
                table: "catalog_entities");

            migrationBuilder.DropColumn(
                name: "source",
                table: "catalog_entities");

            migrationBuilder.AlterDatabase()
                .OldAnnotation("Npgsql:PostgresExtension:pg_trgm", ",,");
        }
    }
}
