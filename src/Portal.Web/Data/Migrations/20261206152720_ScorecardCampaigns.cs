using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Portal.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class ScorecardCampaigns : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "scorecard_campaign_progress",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    campaign_id = table.Column<Guid>(type: "uuid", nullable: false),
                    team = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    done = table.Column<int>(type: "integer", nullable: false),
                    total = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_scorecard_campaign_progress", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "scorecard_campaigns",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(63)", maxLength: 63, nullable: false),
                    title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    description = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    scorecard_id = table.Column<Guid>(type: "uuid", nullable: false),
                    target_level = table.Column<string>(type: "character varying(63)", maxLength: 63, nullable: true),
                    rule_ids = table.Column<string[]>(type: "text[]", nullable: false),
                    teams = table.Column<string[]>(type: "text[]", nullable: false),
                    deadline = table.Column<DateOnly>(type: "date", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    reminded_on = table.Column<DateOnly>(type: "date", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_scorecard_campaigns", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_scorecard_campaign_progress_campaign_id_team_at",
                table: "scorecard_campaign_progress",
                columns: new[] { "campaign_id", "team", "at" });

            migrationBuilder.CreateIndex(
                name: "ix_scorecard_campaigns_name",
                table: "scorecard_campaigns",
                column: "name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_scorecard_campaigns_scorecard_id",
                table: "scorecard_campaigns",
                column: "scorecard_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "scorecard_campaign_progress");

            migrationBuilder.DropTable(
                name: "scorecard_campaigns");
        }
    }
}
