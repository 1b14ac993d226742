using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Portal.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class TemplatesAndSlo : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "scaffolder_log_lines",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    task_id = table.Column<Guid>(type: "uuid", nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    step_id = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    level = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    message = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_scaffolder_log_lines", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "scaffolder_tasks",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    template_ref = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: false),
                    template_title = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: false),
                    template_document = table.Column<string>(type: "jsonb", nullable: false),
                    template_source = table.Column<string>(type: "text", nullable: true),
                    values = table.Column<string>(type: "jsonb", nullable: false),
                    protected_secrets = table.Column<string>(type: "text", nullable: true),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    steps = table.Column<string>(type: "jsonb", nullable: false),
                    output = table.Column<string>(type: "jsonb", nullable: true),
                    error = table.Column<string>(type: "text", nullable: true),
                    created_by = table.Column<string>(type: "text", nullable: false),
                    created_by_user_id = table.Column<string>(type: "text", nullable: true),
                    created_by_user_ref = table.Column<string>(type: "text", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    finished_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    heartbeat_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    cancel_requested = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_scaffolder_tasks", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "slo_alerts",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    slo_id = table.Column<Guid>(type: "uuid", nullable: false),
                    rule = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    severity = table.Column<string>(type: "text", nullable: false),
                    state = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    pending_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    fired_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    resolved_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    last_evaluated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    factor = table.Column<decimal>(type: "numeric", nullable: false),
                    long_burn = table.Column<decimal>(type: "numeric", nullable: true),
                    short_burn = table.Column<decimal>(type: "numeric", nullable: true),
                    budget_consumed = table.Column<decimal>(type: "numeric", nullable: true),
                    explanation = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_slo_alerts", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "slo_definitions",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(63)", maxLength: 63, nullable: false),
                    display_name = table.Column<string>(type: "text", nullable: true),
                    component_ref = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: false),
                    indicator = table.Column<string>(type: "text", nullable: false),
                    threshold_seconds = table.Column<decimal>(type: "numeric(18,6)", precision: 18, scale: 6, nullable: true),
                    target = table.Column<decimal>(type: "numeric(12,10)", precision: 12, scale: 10, nullable: false),
                    window_kind = table.Column<string>(type: "text", nullable: false),
                    window_days = table.Column<int>(type: "integer", nullable: false),
                    time_zone = table.Column<string>(type: "text", nullable: false),
                    budgeting_method = table.Column<string>(type: "text", nullable: false),
                    timeslice_target = table.Column<decimal>(type: "numeric(12,10)", precision: 12, scale: 10, nullable: true),
                    min_events = table.Column<long>(type: "bigint", nullable: false),
                    created_by = table.Column<string>(type: "text", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_slo_definitions", x => x.id);
                });

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
                name: "ix_scaffolder_log_lines_task_id_id",
                table: "scaffolder_log_lines",
                columns: new[] { "task_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_scaffolder_tasks_created_at",
                table: "scaffolder_tasks",
                column: "created_at");

            migrationBuilder.CreateIndex(
                name: "ix_scaffolder_tasks_created_by_user_id",
                table: "scaffolder_tasks",
                column: "created_by_user_id");

            migrationBuilder.CreateIndex(
                name: "ix_scaffolder_tasks_status",
                table: "scaffolder_tasks",
                column: "status");

            migrationBuilder.CreateIndex(
                name: "ix_slo_alerts_pending_at",
                table: "slo_alerts",
                column: "pending_at");

            migrationBuilder.CreateIndex(
                name: "ix_slo_alerts_slo_id_rule_state",
                table: "slo_alerts",
                columns: new[] { "slo_id", "rule", "state" });

            migrationBuilder.CreateIndex(
                name: "ix_slo_definitions_component_ref_name",
                table: "slo_definitions",
                columns: new[] { "component_ref", "name" },
                unique: true);

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
                name: "scaffolder_log_lines");

            migrationBuilder.DropTable(
                name: "scaffolder_tasks");

            migrationBuilder.DropTable(
                name: "slo_alerts");

            migrationBuilder.DropTable(
                name: "slo_definitions");

            migrationBuilder.DropTable(
                name: "slo_metric_streams");

            migrationBuilder.DropTable(
                name: "slo_service_minutes");

            migrationBuilder.DropTable(
                name: "slo_telemetry_sources");
        }
    }
}
