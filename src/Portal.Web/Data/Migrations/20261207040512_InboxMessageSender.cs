using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class InboxMessageSender : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "sender",
                table: "inbox_messages",
                type: "character varying(400)",
                maxLength: 400,
                nullable: true);

            // A scope belongs to the template that sent it. Messages sent before name the template at the start of their
            // origin ("template:default/x, run by ... (task ...)", earlier "template:default/x (task ...)"; a ref has no
            // space or comma): they keep being replaced by that template's later ones, and no other's.
            migrationBuilder.Sql("""
                UPDATE inbox_messages SET sender = substring(origin from '^(template:[^ ,]+)')
                WHERE scope IS NOT NULL AND origin ~ '^template:[^ ,]+';
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "sender",
                table: "inbox_messages");
        }
    }
}
