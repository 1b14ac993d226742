using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class LocationRegistrant : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "created_by_admin",
                table: "scaffolder_tasks",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string[]>(
                name: "created_by_teams",
                table: "scaffolder_tasks",
                type: "text[]",
                nullable: false,
                defaultValue: new string[0]);

            migrationBuilder.AddColumn<Guid>(
                name: "registered_by_task_id",
                table: "catalog_locations",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "registered_by_user_id",
                table: "catalog_locations",
                type: "character varying(450)",
                maxLength: 450,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "registrant_is_admin",
                table: "catalog_locations",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string[]>(
                name: "registrant_teams",
                table: "catalog_locations",
                type: "text[]",
                nullable: false,
                defaultValue: new string[0]);

            migrationBuilder.AddColumn<bool>(
                name: "trusted_for_identity",
                table: "catalog_locations",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<bool>(
                name: "trusted_for_identity",
                table: "catalog_entities",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            // What was there before: a location is trusted when the portal or an admin registered it (templates run by
            // admins included: they ran as the admin). Others keep the owners they already claimed, people and teams aside.
            // Admin is judged by today's roles; the bootstrap token is an admin.
            const string admins = """
                (SELECT u.user_name FROM "AspNetUsers" u JOIN "AspNetUserRoles" ur ON ur.user_id = u.id
                 JOIN "AspNetRoles" r ON r.id = ur.role_id WHERE r.name = 'admin')
                """;
            migrationBuilder.Sql($"""
                UPDATE catalog_locations SET registrant_is_admin = true, trusted_for_identity = true
                WHERE created_by = 'portal' OR created_by LIKE 'bootstrap-admin-token%' OR split_part(created_by, ' (', 1) IN {admins};
                """);
            migrationBuilder.Sql("""
                UPDATE catalog_locations l SET registrant_teams = ARRAY(
                    SELECT DISTINCT e.owner FROM catalog_entities e
                    WHERE e.location_id = l.id AND e.owner IS NOT NULL AND e.kind NOT IN ('Group', 'User') ORDER BY 1)
                WHERE NOT l.registrant_is_admin;
                """);
            migrationBuilder.Sql("""
                UPDATE catalog_entities e SET trusted_for_identity = l.trusted_for_identity
                FROM catalog_locations l WHERE e.location_id = l.id;
                """);
            // Entities written through the API are trusted when every write of theirs was an admin's.
            migrationBuilder.Sql($"""
                UPDATE catalog_entities e SET trusted_for_identity = NOT EXISTS (
                    SELECT 1 FROM audit_entries a
                    WHERE a.target = e.entity_ref AND a.action IN ('catalog.entity.create', 'catalog.entity.update') AND a.outcome = 'success'
                      AND NOT (a.actor = 'portal' OR a.actor LIKE 'bootstrap-admin-token%' OR split_part(a.actor, ' (', 1) IN {admins}))
                WHERE e.location_id IS NULL;
                """);
            migrationBuilder.Sql($"""
                UPDATE scaffolder_tasks SET created_by_admin = true
                WHERE created_by LIKE 'bootstrap-admin-token%' OR split_part(created_by, ' (', 1) IN {admins};
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "created_by_admin",
                table: "scaffolder_tasks");

            migrationBuilder.DropColumn(
                name: "created_by_teams",
                table: "scaffolder_tasks");

            migrationBuilder.DropColumn(
                name: "registered_by_task_id",
                table: "catalog_locations");

            migrationBuilder.DropColumn(
                name: "registered_by_user_id",
                table: "catalog_locations");

            migrationBuilder.DropColumn(
                name: "registrant_is_admin",
                table: "catalog_locations");

            migrationBuilder.DropColumn(
                name: "registrant_teams",
                table: "catalog_locations");

            migrationBuilder.DropColumn(
                name: "trusted_for_identity",
                table: "catalog_locations");

            migrationBuilder.DropColumn(
                name: "trusted_for_identity",
                table: "catalog_entities");
        }
    }
}
