using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class ScorecardResultFactsAndSources : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Results stop storing sentences (issue #23: 1 GB at 100,000 entities). Existing rows keep their level and counts;
            // their rules read "not evaluated yet" (empty rules_key) until the next evaluation rewrites them, adding no history.
            // scorecards.source: the catalog entity a scorecard kept in git is read from.
            migrationBuilder.DropColumn(
                name: "rules_json",
                table: "scorecard_results");

            migrationBuilder.AddColumn<string>(
                name: "source",
                table: "scorecards",
                type: "character varying(400)",
                maxLength: 400,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "outcomes",
                table: "scorecard_results",
                type: "character varying(100)",
                maxLength: 100,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string[]>(
                name: "rule_values",
                table: "scorecard_results",
                type: "text[]",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "rules_key",
                table: "scorecard_results",
                type: "character varying(12)",
                maxLength: 12,
                nullable: false,
                defaultValue: "");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "source",
                table: "scorecards");

            migrationBuilder.DropColumn(
                name: "outcomes",
                table: "scorecard_results");

            migrationBuilder.DropColumn(
                name: "rule_values",
                table: "scorecard_results");

            migrationBuilder.DropColumn(
                name: "rules_key",
                table: "scorecard_results");

            migrationBuilder.AddColumn<string>(
                name: "rules_json",
                table: "scorecard_results",
                type: "jsonb",
                nullable: false,
                defaultValue: "");
        }
    }
}
