using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Portal.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class Scorecards : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "scorecard_history",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    scorecard_id = table.Column<Guid>(type: "uuid", nullable: false),
                    entity_ref = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: false),
                    owner = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: true),
                    level_index = table.Column<int>(type: "integer", nullable: false),
                    level = table.Column<string>(type: "character varying(63)", maxLength: 63, nullable: true),
                    passed = table.Column<int>(type: "integer", nullable: false),
                    total = table.Column<int>(type: "integer", nullable: false),
                    passing_rules = table.Column<string>(type: "text", nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_scorecard_history", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "scorecard_results",
                columns: table => new
                {
                    scorecard_id = table.Column<Guid>(type: "uuid", nullable: false),
                    entity_ref = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: false),
                    kind = table.Column<string>(type: "character varying(63)", maxLength: 63, nullable: false),
                    owner = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: true),
                    level_index = table.Column<int>(type: "integer", nullable: false),
                    level = table.Column<string>(type: "character varying(63)", maxLength: 63, nullable: true),
                    passed = table.Column<int>(type: "integer", nullable: false),
                    failed = table.Column<int>(type: "integer", nullable: false),
                    no_data = table.Column<int>(type: "integer", nullable: false),
                    total = table.Column<int>(type: "integer", nullable: false),
                    rules_json = table.Column<string>(type: "jsonb", nullable: false),
                    hash = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    state_hash = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    changed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_scorecard_results", x => new { x.scorecard_id, x.entity_ref });
                });

            migrationBuilder.CreateTable(
                name: "scorecard_runs",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    scorecard_id = table.Column<Guid>(type: "uuid", nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    entities = table.Column<int>(type: "integer", nullable: false),
                    level_counts = table.Column<int[]>(type: "integer[]", nullable: false),
                    passed_checks = table.Column<int>(type: "integer", nullable: false),
                    total_checks = table.Column<int>(type: "integer", nullable: false),
                    telemetry_checked = table.Column<int>(type: "integer", nullable: false),
                    telemetry_passing = table.Column<int>(type: "integer", nullable: false),
                    changed_results = table.Column<int>(type: "integer", nullable: false),
                    seconds = table.Column<double>(type: "double precision", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_scorecard_runs", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "scorecards",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(63)", maxLength: 63, nullable: false),
                    title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    owner = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: false),
                    enabled = table.Column<bool>(type: "boolean", nullable: false),
                    built_in = table.Column<bool>(type: "boolean", nullable: false),
                    yaml = table.Column<string>(type: "character varying(262144)", maxLength: 262144, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_scorecards", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_scorecard_history_scorecard_id_at",
                table: "scorecard_history",
                columns: new[] { "scorecard_id", "at" });

            migrationBuilder.CreateIndex(
                name: "ix_scorecard_history_scorecard_id_entity_ref_at",
                table: "scorecard_history",
                columns: new[] { "scorecard_id", "entity_ref", "at" });

            migrationBuilder.CreateIndex(
                name: "ix_scorecard_results_entity_ref",
                table: "scorecard_results",
                column: "entity_ref");

            migrationBuilder.CreateIndex(
                name: "ix_scorecard_results_owner_scorecard_id",
                table: "scorecard_results",
                columns: new[] { "owner", "scorecard_id" });

            migrationBuilder.CreateIndex(
                name: "ix_scorecard_runs_scorecard_id_at",
                table: "scorecard_runs",
                columns: new[] { "scorecard_id", "at" });

            migrationBuilder.CreateIndex(
                name: "ix_scorecards_name",
                table: "scorecards",
                column: "name",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "scorecard_history");

            migrationBuilder.DropTable(
                name: "scorecard_results");

            migrationBuilder.DropTable(
                name: "scorecard_runs");

            migrationBuilder.DropTable(
                name: "scorecards");
        }
    }
}
