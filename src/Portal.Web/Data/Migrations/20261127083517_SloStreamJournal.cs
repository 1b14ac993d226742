using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class SloStreamJournal : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "slo_stream_journal",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false),
                    written_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    states = table.Column<byte[]>(type: "bytea", nullable: true),
                    folded_through = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_slo_stream_journal", x => x.id);
                });
            // Packed states are mostly hashes and numbers: compressing them costs each export more CPU than it saves.
            migrationBuilder.Sql("ALTER TABLE slo_stream_journal ALTER COLUMN states SET STORAGE EXTERNAL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "slo_stream_journal");
        }
    }
}
