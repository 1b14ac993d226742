using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class SloIngestion : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "slo_metric_streams",
                columns: table => new
                {
                    key = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    component_ref = table.Column<string>(type: "text", nullable: false),
                    metric = table.Column<string>(type: "text", nullable: false),
                    start_unix_nano = table.Column<long>(type: "bigint", nullable: false),
                    time_unix_nano = table.Column<long>(type: "bigint", nullable: false),
                    value = table.Column<double>(type: "double precision", nullable: false),
                    sum = table.Column<double>(type: "double precision", nullable: false),
                    bucket_counts = table.Column<long[]>(type: "bigint[]", nullable: false),
                    bounds = table.Column<double[]>(type: "double precision[]", nullable: false),
                    last_seen_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_slo_metric_streams", x => x.key);
                });

            migrationBuilder.CreateTable(
                name: "slo_service_minutes",
                columns: table => new
                {
                    component_ref = table.Column<string>(type: "text", nullable: false),
                    minute = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    requests = table.Column<long>(type: "bigint", nullable: false),
                    errors = table.Column<long>(type: "bigint", nullable: false),
                    duration_sum = table.Column<double>(type: "double precision", nullable: false),
                    latency_buckets = table.Column<string>(type: "jsonb", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_slo_service_minutes", x => new { x.component_ref, x.minute });
                });

            migrationBuilder.CreateTable(
                name: "slo_telemetry_sources",
                columns: table => new
                {
                    service_name = table.Column<string>(type: "text", nullable: false),
                    component_ref = table.Column<string>(type: "text", nullable: true),
                    first_seen_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    last_seen_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    accepted_points = table.Column<long>(type: "bigint", nullable: false),
                    rejected_points = table.Column<long>(type: "bigint", nullable: false),
                    last_rejection = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_slo_telemetry_sources", x => x.service_name);
                });

            migrationBuilder.CreateIndex(
                name: "ix_slo_metric_streams_last_seen_at",
                table: "slo_metric_streams",
                column: "last_seen_at");

            migrationBuilder.CreateIndex(
                name: "ix_slo_telemetry_sources_component_ref",
                table: "slo_telemetry_sources",
                column: "component_ref");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "slo_metric_streams");

            migrationBuilder.DropTable(
                name: "slo_service_minutes");

            migrationBuilder.DropTable(
                name: "slo_telemetry_sources");
        }
    }
}
