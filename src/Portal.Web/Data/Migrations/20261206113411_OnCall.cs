using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class OnCall : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<List<string>>(
                name: "checklist_done",
                table: "incidents",
                type: "text[]",
                nullable: false,
                defaultValueSql: "'{}'");

            migrationBuilder.AddColumn<List<string>>(
                name: "dependents",
                table: "incidents",
                type: "text[]",
                nullable: false,
                defaultValueSql: "'{}'");

            migrationBuilder.AddColumn<int>(
                name: "escalation_level",
                table: "incidents",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "on_call",
                table: "incidents",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "paged_at",
                table: "incidents",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "postmortem",
                table: "incidents",
                type: "character varying(100000)",
                maxLength: 100000,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "maintenance_windows",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    component_ref = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: true),
                    team = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: true),
                    starts_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ends_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    created_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_maintenance_windows", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "oncall_schedules",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(63)", maxLength: 63, nullable: false),
                    team = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: false),
                    layers = table.Column<string>(type: "jsonb", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_oncall_schedules", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_maintenance_windows_ends_at",
                table: "maintenance_windows",
                column: "ends_at");

            migrationBuilder.CreateIndex(
                name: "ix_oncall_schedules_name",
                table: "oncall_schedules",
                column: "name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_oncall_schedules_team",
                table: "oncall_schedules",
                column: "team");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "maintenance_windows");

            migrationBuilder.DropTable(
                name: "oncall_schedules");

            migrationBuilder.DropColumn(
                name: "checklist_done",
                table: "incidents");

            migrationBuilder.DropColumn(
                name: "dependents",
                table: "incidents");

            migrationBuilder.DropColumn(
                name: "escalation_level",
                table: "incidents");

            migrationBuilder.DropColumn(
                name: "on_call",
                table: "incidents");

            migrationBuilder.DropColumn(
                name: "paged_at",
                table: "incidents");

            migrationBuilder.DropColumn(
                name: "postmortem",
                table: "incidents");
        }
    }
}
