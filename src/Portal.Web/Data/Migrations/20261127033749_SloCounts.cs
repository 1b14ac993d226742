using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class SloCounts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_slo_metric_streams_last_seen_at",
                table: "slo_metric_streams");

            migrationBuilder.AlterTable(
                name: "slo_metric_streams")
                .Annotation("Npgsql:StorageParameter:fillfactor", 70);

            // Stream state is packed into bytes now. Arrays do not convert to bytea, and the state is only a baseline:
            // dropped, each stream's next point becomes its new baseline (its first increase is not counted).
            migrationBuilder.Sql("TRUNCATE slo_metric_streams");
            migrationBuilder.Sql("ALTER TABLE slo_metric_streams ALTER COLUMN bucket_counts TYPE bytea USING ''::bytea, ALTER COLUMN bounds TYPE bytea USING ''::bytea");

            migrationBuilder.AddColumn<string>(
                name: "alert_rules",
                table: "slo_definitions",
                type: "jsonb",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ratio",
                table: "slo_definitions",
                type: "jsonb",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "slo_counts",
                columns: table => new
                {
                    slo_id = table.Column<Guid>(type: "uuid", nullable: false),
                    span = table.Column<short>(type: "smallint", nullable: false),
                    bucket = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    good = table.Column<long>(type: "bigint", nullable: false),
                    total = table.Column<long>(type: "bigint", nullable: false),
                    good_slices = table.Column<long>(type: "bigint", nullable: false),
                    slices = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_slo_counts", x => new { x.slo_id, x.span, x.bucket });
                    table.ForeignKey(
                        name: "fk_slo_counts_slo_definition_slo_id",
                        column: x => x.slo_id,
                        principalTable: "slo_definitions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_slo_service_minutes_minute",
                table: "slo_service_minutes",
                column: "minute");

            migrationBuilder.CreateIndex(
                name: "ix_slo_counts_span_bucket",
                table: "slo_counts",
                columns: new[] { "span", "bucket" })
                .Annotation("Npgsql:IndexInclude", new[] { "slo_id", "good", "total", "good_slices", "slices" });

            // Alert history of SLOs deleted before alerts were tied to their SLO.
            migrationBuilder.Sql("DELETE FROM slo_alerts a WHERE NOT EXISTS (SELECT 1 FROM slo_definitions d WHERE d.id = a.slo_id)");

            migrationBuilder.AddForeignKey(
                name: "fk_slo_alerts_slo_definition_slo_id",
                table: "slo_alerts",
                column: "slo_id",
                principalTable: "slo_definitions",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "fk_slo_alerts_slo_definition_slo_id",
                table: "slo_alerts");

            migrationBuilder.DropTable(
                name: "slo_counts");

            migrationBuilder.DropIndex(
                name: "ix_slo_service_minutes_minute",
                table: "slo_service_minutes");

            migrationBuilder.DropColumn(
                name: "alert_rules",
                table: "slo_definitions");

            migrationBuilder.DropColumn(
                name: "ratio",
                table: "slo_definitions");

            migrationBuilder.AlterTable(
                name: "slo_metric_streams")
                .OldAnnotation("Npgsql:StorageParameter:fillfactor", 70);

            migrationBuilder.Sql("TRUNCATE slo_metric_streams");
            migrationBuilder.Sql("ALTER TABLE slo_metric_streams ALTER COLUMN bucket_counts TYPE bigint[] USING '{}', ALTER COLUMN bounds TYPE double precision[] USING '{}'");

            migrationBuilder.CreateIndex(
                name: "ix_slo_metric_streams_last_seen_at",
                table: "slo_metric_streams",
                column: "last_seen_at");
        }
    }
}
