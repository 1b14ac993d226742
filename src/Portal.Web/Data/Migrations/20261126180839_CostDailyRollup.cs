using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Portal.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class CostDailyRollup : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "cost_daily",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    day = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    billing_account_id = table.Column<string>(type: "text", nullable: false),
                    billing_period_start = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    billing_currency = table.Column<string>(type: "text", nullable: false),
                    team = table.Column<string>(type: "text", nullable: true),
                    component = table.Column<string>(type: "text", nullable: true),
                    environment = table.Column<string>(type: "text", nullable: true),
                    provider_name = table.Column<string>(type: "text", nullable: false),
                    service_category = table.Column<string>(type: "text", nullable: false),
                    service_name = table.Column<string>(type: "text", nullable: false),
                    region_id = table.Column<string>(type: "text", nullable: true),
                    sub_account_id = table.Column<string>(type: "text", nullable: true),
                    billed_cost = table.Column<decimal>(type: "numeric", nullable: false),
                    effective_cost = table.Column<decimal>(type: "numeric", nullable: false),
                    rows = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_cost_daily", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_cost_daily_billing_account_id_billing_period_start",
                table: "cost_daily",
                columns: new[] { "billing_account_id", "billing_period_start" });

            migrationBuilder.CreateIndex(
                name: "ix_cost_daily_day",
                table: "cost_daily",
                column: "day");

            migrationBuilder.CreateIndex(
                name: "ix_cost_daily_team_day",
                table: "cost_daily",
                columns: new[] { "team", "day" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "cost_daily");
        }
    }
}
