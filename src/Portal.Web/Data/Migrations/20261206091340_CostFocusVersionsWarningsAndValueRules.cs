using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class CostFocusVersionsWarningsAndValueRules : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "allocated_method_id",
                table: "cost_line_items",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "allocated_resource_id",
                table: "cost_line_items",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "allocated_tags",
                table: "cost_line_items",
                type: "jsonb",
                nullable: false,
                defaultValue: "{}");

            migrationBuilder.AddColumn<string>(
                name: "host_provider_name",
                table: "cost_line_items",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "focus_version",
                table: "cost_imports",
                type: "character varying(20)",
                maxLength: 20,
                nullable: true);

            migrationBuilder.AddColumn<decimal>(
                name: "rejected_billed_cost",
                table: "cost_imports",
                type: "numeric",
                nullable: false,
                defaultValue: 0m);

            migrationBuilder.AddColumn<decimal>(
                name: "rejected_effective_cost",
                table: "cost_imports",
                type: "numeric",
                nullable: false,
                defaultValue: 0m);

            migrationBuilder.AddColumn<int>(
                name: "rejected_rows_without_cost",
                table: "cost_imports",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "warnings",
                table: "cost_imports",
                type: "jsonb",
                nullable: false,
                defaultValue: "[]");

            migrationBuilder.AddColumn<string>(
                name: "pattern",
                table: "cost_allocation_rules",
                type: "character varying(500)",
                maxLength: 500,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "value_match",
                table: "cost_allocation_rules",
                type: "character varying(10)",
                maxLength: 10,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "allocated_method_id",
                table: "cost_line_items");

            migrationBuilder.DropColumn(
                name: "allocated_resource_id",
                table: "cost_line_items");

            migrationBuilder.DropColumn(
                name: "allocated_tags",
                table: "cost_line_items");

            migrationBuilder.DropColumn(
                name: "host_provider_name",
                table: "cost_line_items");

            migrationBuilder.DropColumn(
                name: "focus_version",
                table: "cost_imports");

            migrationBuilder.DropColumn(
                name: "rejected_billed_cost",
                table: "cost_imports");

            migrationBuilder.DropColumn(
                name: "rejected_effective_cost",
                table: "cost_imports");

            migrationBuilder.DropColumn(
                name: "rejected_rows_without_cost",
                table: "cost_imports");

            migrationBuilder.DropColumn(
                name: "warnings",
                table: "cost_imports");

            migrationBuilder.DropColumn(
                name: "pattern",
                table: "cost_allocation_rules");

            migrationBuilder.DropColumn(
                name: "value_match",
                table: "cost_allocation_rules");
        }
    }
}
