using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class Delivery : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "delivery_builds",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    component_ref = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: false),
                    run_id = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    pipeline = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    commit_sha = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    branch = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    finished_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    url = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    source = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    received_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_delivery_builds", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "delivery_deployments",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    component_ref = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: false),
                    run_id = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    environment = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    version = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    commit_sha = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    commits = table.Column<string>(type: "jsonb", nullable: false),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    rollback = table.Column<bool>(type: "boolean", nullable: false),
                    started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    finished_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    url = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    deployed_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    source = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    received_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_delivery_deployments", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "delivery_gate_overrides",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    component_ref = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: false),
                    environment = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    reason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    created_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    revoked_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    revoked_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_delivery_gate_overrides", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "delivery_gate_policy",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false),
                    gated_environments = table.Column<string[]>(type: "text[]", nullable: false),
                    deny_on_exhausted_budget = table.Column<bool>(type: "boolean", nullable: false),
                    deny_on_alert_severities = table.Column<string[]>(type: "text[]", nullable: false),
                    slos = table.Column<string[]>(type: "text[]", nullable: false),
                    allow_fixes = table.Column<bool>(type: "boolean", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_delivery_gate_policy", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_delivery_builds_component_ref_run_id",
                table: "delivery_builds",
                columns: new[] { "component_ref", "run_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_delivery_builds_component_ref_started_at",
                table: "delivery_builds",
                columns: new[] { "component_ref", "started_at" });

            migrationBuilder.CreateIndex(
                name: "ix_delivery_deployments_component_ref_environment_finished_at",
                table: "delivery_deployments",
                columns: new[] { "component_ref", "environment", "finished_at" });

            migrationBuilder.CreateIndex(
                name: "ix_delivery_deployments_component_ref_run_id",
                table: "delivery_deployments",
                columns: new[] { "component_ref", "run_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_delivery_deployments_environment_finished_at",
                table: "delivery_deployments",
                columns: new[] { "environment", "finished_at" });

            migrationBuilder.CreateIndex(
                name: "ix_delivery_gate_overrides_component_ref_environment_expires_at",
                table: "delivery_gate_overrides",
                columns: new[] { "component_ref", "environment", "expires_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "delivery_builds");

            migrationBuilder.DropTable(
                name: "delivery_deployments");

            migrationBuilder.DropTable(
                name: "delivery_gate_overrides");

            migrationBuilder.DropTable(
                name: "delivery_gate_policy");
        }
    }
}
