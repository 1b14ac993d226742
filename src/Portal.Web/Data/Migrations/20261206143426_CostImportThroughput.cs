using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class CostImportThroughput : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "fk_cost_line_items_cost_imports_import_id",
                table: "cost_line_items");

            migrationBuilder.DropIndex(
                name: "ix_cost_line_items_import_id",
                table: "cost_line_items");

            migrationBuilder.AlterColumn<string>(
                name: "extra",
                table: "cost_line_items",
                type: "jsonb",
                nullable: false,
                defaultValueSql: "'{}'::jsonb",
                oldClrType: typeof(string),
                oldType: "jsonb");

            migrationBuilder.AlterColumn<string>(
                name: "allocated_tags",
                table: "cost_line_items",
                type: "jsonb",
                nullable: false,
                defaultValueSql: "'{}'::jsonb",
                oldClrType: typeof(string),
                oldType: "jsonb");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<string>(
                name: "extra",
                table: "cost_line_items",
                type: "jsonb",
                nullable: false,
                oldClrType: typeof(string),
                oldType: "jsonb",
                oldDefaultValueSql: "'{}'::jsonb");

            migrationBuilder.AlterColumn<string>(
                name: "allocated_tags",
                table: "cost_line_items",
                type: "jsonb",
                nullable: false,
                oldClrType: typeof(string),
                oldType: "jsonb",
                oldDefaultValueSql: "'{}'::jsonb");

            migrationBuilder.CreateIndex(
                name: "ix_cost_line_items_import_id",
                table: "cost_line_items",
                column: "import_id");

            migrationBuilder.AddForeignKey(
                name: "fk_cost_line_items_cost_imports_import_id",
                table: "cost_line_items",
                column: "import_id",
                principalTable: "cost_imports",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);
        }
    }
}
