using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class CostDailyLastChargeEnd : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "last_charge_end",
                table: "cost_daily",
                type: "timestamp with time zone",
                nullable: false,
                defaultValue: new DateTime(1, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified));

            // Existing rollups get their newest charge end by being rebuilt from the line items (as the rules' recomputation does).
            migrationBuilder.Sql("""
                TRUNCATE cost_daily;
                INSERT INTO cost_daily (day, billing_account_id, billing_period_start, billing_currency, team, component, environment,
                                        provider_name, service_category, service_name, region_id, sub_account_id, billed_cost, effective_cost, rows, last_charge_end)
                SELECT date_trunc('day', charge_period_start AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', billing_account_id, billing_period_start, billing_currency,
                       team, component, environment, provider_name, service_category, service_name, region_id, sub_account_id,
                       sum(billed_cost), sum(effective_cost), count(*), max(charge_period_end)
                FROM cost_line_items
                GROUP BY 1, billing_account_id, billing_period_start, billing_currency, team, component, environment,
                         provider_name, service_category, service_name, region_id, sub_account_id;
                """);

            migrationBuilder.CreateIndex(
                name: "ix_cost_daily_last_charge_end",
                table: "cost_daily",
                column: "last_charge_end");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_cost_daily_last_charge_end",
                table: "cost_daily");

            migrationBuilder.DropColumn(
                name: "last_charge_end",
                table: "cost_daily");
        }
    }
}
