using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Portal.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class Cost : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "cost_allocation_rules",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    position = table.Column<int>(type: "integer", nullable: false),
                    kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    match = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    dimension = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    value = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_cost_allocation_rules", x => x.id);
                });

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

            migrationBuilder.CreateTable(
                name: "cost_imports",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    file_name = table.Column<string>(type: "text", nullable: false),
                    imported_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    imported_by = table.Column<string>(type: "text", nullable: false),
                    status = table.Column<string>(type: "text", nullable: false),
                    message = table.Column<string>(type: "text", nullable: true),
                    rows = table.Column<int>(type: "integer", nullable: false),
                    rejected_rows = table.Column<int>(type: "integer", nullable: false),
                    replaced_rows = table.Column<int>(type: "integer", nullable: false),
                    billed_cost = table.Column<decimal>(type: "numeric", nullable: false),
                    effective_cost = table.Column<decimal>(type: "numeric", nullable: false),
                    period_start = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    period_end = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    billing_accounts = table.Column<string>(type: "jsonb", nullable: false),
                    extra_columns = table.Column<string>(type: "jsonb", nullable: false),
                    errors = table.Column<string>(type: "jsonb", nullable: false),
                    duration_seconds = table.Column<double>(type: "double precision", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_cost_imports", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "cost_line_items",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    import_id = table.Column<Guid>(type: "uuid", nullable: false),
                    line = table.Column<long>(type: "bigint", nullable: false),
                    billing_account_id = table.Column<string>(type: "text", nullable: false),
                    billing_account_name = table.Column<string>(type: "text", nullable: true),
                    billing_currency = table.Column<string>(type: "text", nullable: false),
                    billing_period_start = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    billing_period_end = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    charge_period_start = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    charge_period_end = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    billed_cost = table.Column<decimal>(type: "numeric", nullable: false),
                    effective_cost = table.Column<decimal>(type: "numeric", nullable: false),
                    list_cost = table.Column<decimal>(type: "numeric", nullable: false),
                    contracted_cost = table.Column<decimal>(type: "numeric", nullable: true),
                    charge_category = table.Column<string>(type: "text", nullable: false),
                    charge_description = table.Column<string>(type: "text", nullable: true),
                    provider_name = table.Column<string>(type: "text", nullable: false),
                    publisher_name = table.Column<string>(type: "text", nullable: true),
                    invoice_issuer_name = table.Column<string>(type: "text", nullable: true),
                    service_name = table.Column<string>(type: "text", nullable: false),
                    service_category = table.Column<string>(type: "text", nullable: false),
                    region_id = table.Column<string>(type: "text", nullable: true),
                    region_name = table.Column<string>(type: "text", nullable: true),
                    resource_id = table.Column<string>(type: "text", nullable: true),
                    resource_name = table.Column<string>(type: "text", nullable: true),
                    resource_type = table.Column<string>(type: "text", nullable: true),
                    sub_account_id = table.Column<string>(type: "text", nullable: true),
                    sub_account_name = table.Column<string>(type: "text", nullable: true),
                    tags = table.Column<string>(type: "jsonb", nullable: false),
                    extra = table.Column<string>(type: "jsonb", nullable: false),
                    team = table.Column<string>(type: "text", nullable: true),
                    component = table.Column<string>(type: "text", nullable: true),
                    environment = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_cost_line_items", x => x.id);
                    table.ForeignKey(
                        name: "fk_cost_line_items_cost_imports_import_id",
                        column: x => x.import_id,
                        principalTable: "cost_imports",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_cost_allocation_rules_position",
                table: "cost_allocation_rules",
                column: "position");

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

            migrationBuilder.CreateIndex(
                name: "ix_cost_imports_imported_at",
                table: "cost_imports",
                column: "imported_at");

            migrationBuilder.CreateIndex(
                name: "ix_cost_line_items_billing_account_id_billing_period_start",
                table: "cost_line_items",
                columns: new[] { "billing_account_id", "billing_period_start" });

            migrationBuilder.CreateIndex(
                name: "ix_cost_line_items_charge_period_start",
                table: "cost_line_items",
                column: "charge_period_start");

            migrationBuilder.CreateIndex(
                name: "ix_cost_line_items_component_charge_period_start",
                table: "cost_line_items",
                columns: new[] { "component", "charge_period_start" });

            migrationBuilder.CreateIndex(
                name: "ix_cost_line_items_import_id",
                table: "cost_line_items",
                column: "import_id");

            migrationBuilder.CreateIndex(
                name: "ix_cost_line_items_team_charge_period_start",
                table: "cost_line_items",
                columns: new[] { "team", "charge_period_start" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "cost_allocation_rules");

            migrationBuilder.DropTable(
                name: "cost_budget_alerts");

            migrationBuilder.DropTable(
                name: "cost_budgets");

            migrationBuilder.DropTable(
                name: "cost_daily");

            migrationBuilder.DropTable(
                name: "cost_line_items");

            migrationBuilder.DropTable(
                name: "cost_imports");
        }
    }
}
