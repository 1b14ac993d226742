using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class ScaleOut : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropPrimaryKey(
                name: "pk_slo_stream_journal",
                table: "slo_stream_journal");

            migrationBuilder.AddColumn<int>(
                name: "partition",
                table: "slo_stream_journal",
                type: "integer",
                nullable: false,
                defaultValue: -1);

            // Rows already there were journalled without partitions: -1 (StreamPartitions.Legacy), folded into the table
            // at the next start-up. New rows always name their partition, so the column keeps no default.
            migrationBuilder.Sql("ALTER TABLE slo_stream_journal ALTER COLUMN partition DROP DEFAULT;");

            migrationBuilder.AddPrimaryKey(
                name: "pk_slo_stream_journal",
                table: "slo_stream_journal",
                columns: new[] { "partition", "id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // Journal rows cannot move back into one sequence: a downgrade starts from the folded table (the next export
            // of each stream then counts as its first point).
            migrationBuilder.Sql("DELETE FROM slo_stream_journal;");

            migrationBuilder.DropPrimaryKey(
                name: "pk_slo_stream_journal",
                table: "slo_stream_journal");

            migrationBuilder.DropColumn(
                name: "partition",
                table: "slo_stream_journal");

            migrationBuilder.AddPrimaryKey(
                name: "pk_slo_stream_journal",
                table: "slo_stream_journal",
                column: "id");
        }
    }
}
