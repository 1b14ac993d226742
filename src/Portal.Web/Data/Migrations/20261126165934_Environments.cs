using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Portal.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class Environments : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "environment_policy_decisions",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    environment_id = table.Column<Guid>(type: "uuid", nullable: true),
                    stage = table.Column<string>(type: "text", nullable: false),
                    actor = table.Column<string>(type: "text", nullable: false),
                    type = table.Column<string>(type: "text", nullable: false),
                    component_ref = table.Column<string>(type: "text", nullable: true),
                    policy_version = table.Column<int>(type: "integer", nullable: false),
                    compliant = table.Column<bool>(type: "boolean", nullable: false),
                    violations = table.Column<string>(type: "jsonb", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_environment_policy_decisions", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "environment_policy_versions",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    version = table.Column<int>(type: "integer", nullable: false),
                    yaml = table.Column<string>(type: "text", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_by = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    comment = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_environment_policy_versions", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "environments",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(63)", maxLength: 63, nullable: false),
                    component_ref = table.Column<string>(type: "text", nullable: false),
                    system_ref = table.Column<string>(type: "text", nullable: true),
                    owner_team = table.Column<string>(type: "text", nullable: false),
                    type = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    tier = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    cpu = table.Column<decimal>(type: "numeric(10,3)", precision: 10, scale: 3, nullable: false),
                    memory_gi = table.Column<decimal>(type: "numeric(10,3)", precision: 10, scale: 3, nullable: false),
                    storage_gi = table.Column<decimal>(type: "numeric(10,3)", precision: 10, scale: 3, nullable: false),
                    region = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false),
                    driver = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    parameters = table.Column<string>(type: "jsonb", nullable: false),
                    outputs = table.Column<string>(type: "jsonb", nullable: false),
                    monthly_estimate = table.Column<decimal>(type: "numeric(14,2)", precision: 14, scale: 2, nullable: false),
                    ttl = table.Column<TimeSpan>(type: "interval", nullable: true),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    warning_sent_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    requested_by_id = table.Column<string>(type: "text", nullable: false),
                    requested_by = table.Column<string>(type: "text", nullable: false),
                    approval_by = table.Column<string>(type: "text", nullable: true),
                    decided_by = table.Column<string>(type: "text", nullable: true),
                    decision_comment = table.Column<string>(type: "text", nullable: true),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    requested_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ready_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    cancel_requested = table.Column<bool>(type: "boolean", nullable: false),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_environments", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "environment_runs",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    environment_id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    queued_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    finished_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    heartbeat_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    claims = table.Column<int>(type: "integer", nullable: false),
                    error = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_environment_runs", x => x.id);
                    table.ForeignKey(
                        name: "fk_environment_runs_environments_environment_id",
                        column: x => x.environment_id,
                        principalTable: "environments",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "environment_transitions",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    environment_id = table.Column<Guid>(type: "uuid", nullable: false),
                    from = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    to = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    actor = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    comment = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_environment_transitions", x => x.id);
                    table.ForeignKey(
                        name: "fk_environment_transitions_environments_environment_id",
                        column: x => x.environment_id,
                        principalTable: "environments",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "environment_log_lines",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    run_id = table.Column<Guid>(type: "uuid", nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    step = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    level = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    message = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_environment_log_lines", x => x.id);
                    table.ForeignKey(
                        name: "fk_environment_log_lines_environment_runs_run_id",
                        column: x => x.run_id,
                        principalTable: "environment_runs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_environment_log_lines_run_id_id",
                table: "environment_log_lines",
                columns: new[] { "run_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_environment_policy_decisions_at",
                table: "environment_policy_decisions",
                column: "at");

            migrationBuilder.CreateIndex(
                name: "ix_environment_policy_versions_version",
                table: "environment_policy_versions",
                column: "version",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_environment_runs_environment_id",
                table: "environment_runs",
                column: "environment_id");

            migrationBuilder.CreateIndex(
                name: "ix_environment_runs_status_heartbeat_at",
                table: "environment_runs",
                columns: new[] { "status", "heartbeat_at" });

            migrationBuilder.CreateIndex(
                name: "ix_environment_transitions_environment_id_at",
                table: "environment_transitions",
                columns: new[] { "environment_id", "at" });

            migrationBuilder.CreateIndex(
                name: "ix_environments_component_ref_status",
                table: "environments",
                columns: new[] { "component_ref", "status" });

            migrationBuilder.CreateIndex(
                name: "ix_environments_name",
                table: "environments",
                column: "name",
                unique: true,
                filter: "status NOT IN ('Deleted', 'Rejected', 'Cancelled')");

            migrationBuilder.CreateIndex(
                name: "ix_environments_owner_team_status",
                table: "environments",
                columns: new[] { "owner_team", "status" });

            migrationBuilder.CreateIndex(
                name: "ix_environments_requested_by_id",
                table: "environments",
                column: "requested_by_id");

            migrationBuilder.CreateIndex(
                name: "ix_environments_status_expires_at",
                table: "environments",
                columns: new[] { "status", "expires_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "environment_log_lines");

            migrationBuilder.DropTable(
                name: "environment_policy_decisions");

            migrationBuilder.DropTable(
                name: "environment_policy_versions");

            migrationBuilder.DropTable(
                name: "environment_transitions");

            migrationBuilder.DropTable(
                name: "environment_runs");

            migrationBuilder.DropTable(
                name: "environments");
        }
    }
}
