using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class DeliveryDailyRollup : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "delivery_daily",
                columns: table => new
                {
                    component_ref = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: false),
                    day = table.Column<DateOnly>(type: "date", nullable: false),
                    deployments_succeeded = table.Column<int>(type: "integer", nullable: false),
                    deployments_failed = table.Column<int>(type: "integer", nullable: false),
                    rollbacks = table.Column<int>(type: "integer", nullable: false),
                    deploy_minutes = table.Column<double>(type: "double precision", nullable: false),
                    deploys_timed = table.Column<int>(type: "integer", nullable: false),
                    changes = table.Column<int>(type: "integer", nullable: false),
                    failed_changes = table.Column<int>(type: "integer", nullable: false),
                    restores = table.Column<int>(type: "integer", nullable: false),
                    restore_buckets = table.Column<int[]>(type: "integer[]", nullable: false),
                    restore_counts = table.Column<int[]>(type: "integer[]", nullable: false),
                    lead_time_commits = table.Column<int>(type: "integer", nullable: false),
                    lead_buckets = table.Column<int[]>(type: "integer[]", nullable: false),
                    lead_counts = table.Column<int[]>(type: "integer[]", nullable: false),
                    builds_succeeded = table.Column<int>(type: "integer", nullable: false),
                    builds_failed = table.Column<int>(type: "integer", nullable: false),
                    builds_cancelled = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_delivery_daily", x => new { x.component_ref, x.day });
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "delivery_daily");
        }
    }
}
