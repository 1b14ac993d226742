using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Portal.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class CostBudgets : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "cost_budget_alerts",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    budget_id = table.Column<Guid>(type: "uuid", nullable: false),
                    month = table.Column<string>(type: "text", nullable: false),
                    threshold = table.Column<int>(type: "integer", nullable: false),
                    basis = table.Column<string>(type: "text", nullable: false),
                    sent_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_cost_budget_alerts", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "cost_budgets",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    team = table.Column<string>(type: "text", nullable: false),
                    component = table.Column<string>(type: "text", nullable: true),
                    monthly_amount = table.Column<decimal>(type: "numeric", nullable: false),
                    currency = table.Column<string>(type: "text", nullable: false),
                    thresholds = table.Column<string>(type: "jsonb", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_by = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_cost_budgets", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_cost_budget_alerts_budget_id_month_threshold_basis",
                table: "cost_budget_alerts",
                columns: new[] { "budget_id", "month", "threshold", "basis" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_cost_budgets_team_component",
                table: "cost_budgets",
                columns: new[] { "team", "component" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "cost_budget_alerts");

            migrationBuilder.DropTable(
                name: "cost_budgets");
        }
    }
}
