using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Portal.TestSupport;
using Portal.Web.Data;
using Portal.Web.Features.Catalog;

namespace Portal.IntegrationTests.Catalog;

/// <summary>
/// The LocationRegistrant migration on a database with data: what the portal or an admin registered or wrote stays
/// trusted; a member's template location and a Group a member wrote through the API (the attack of issue 17) do not.
/// </summary>
public sealed class LocationRegistrantUpgradeTests
{
    [Fact]
    public async Task Existing_locations_and_entities_are_trusted_only_when_the_portal_or_an_admin_wrote_them()
    {
        var options = new DbContextOptionsBuilder<PortalDbContext>().UseNpgsql(TestCluster.CreateDatabase("upgrade")).UseSnakeCaseNamingConvention().Options;
        await using var db = new PortalDbContext(options);
        var migrator = db.GetService<IMigrator>();
        await migrator.MigrateAsync("20261127113048_CatalogChangesFingerprint");
        await db.Database.ExecuteSqlRawAsync("""
            INSERT INTO "AspNetRoles" (id, name, normalized_name) VALUES ('r-admin', 'admin', 'ADMIN');
            INSERT INTO "AspNetUsers" (id, user_name, normalized_user_name, created_at, source, must_change_password, email_confirmed,
                phone_number_confirmed, two_factor_enabled, lockout_enabled, access_failed_count)
            VALUES ('u-root', 'root', 'ROOT', now(), 'local', false, false, false, false, false, 0),
                   ('u-ana', 'ana.silva', 'ANA.SILVA', now(), 'local', false, false, false, false, false, 0);
            INSERT INTO "AspNetUserRoles" (user_id, role_id) VALUES ('u-root', 'r-admin');
            INSERT INTO catalog_locations (id, type, target, created_at, created_by, status, entity_count, last_refresh_at) VALUES
                ('00000000-0000-0000-0000-000000000001', 'file', '/demo', now(), 'portal', 'ok', 1, now()),
                ('00000000-0000-0000-0000-000000000002', 'file', '/admin', now(), 'root (tok-1)', 'ok', 1, now()),
                ('00000000-0000-0000-0000-000000000003', 'git', 'file:///repos/payments/svc.git', now(), 'ana.silva (tok-2)', 'ok', 2, now());
            INSERT INTO catalog_entities (id, entity_ref, kind, namespace, name, owner, tags, filter_keys, document, location_id, created_at, updated_at) VALUES
                (gen_random_uuid(), 'group:default/payments', 'Group', 'default', 'payments', NULL, '{{}}', '{{}}', '{{}}', '00000000-0000-0000-0000-000000000001', now(), now()),
                (gen_random_uuid(), 'group:default/sre', 'Group', 'default', 'sre', NULL, '{{}}', '{{}}', '{{}}', '00000000-0000-0000-0000-000000000002', now(), now()),
                (gen_random_uuid(), 'component:default/svc', 'Component', 'default', 'svc', 'group:default/payments', '{{}}', '{{}}', '{{}}', '00000000-0000-0000-0000-000000000003', now(), now()),
                (gen_random_uuid(), 'group:default/svc-crew', 'Group', 'default', 'svc-crew', NULL, '{{}}', '{{}}', '{{}}', '00000000-0000-0000-0000-000000000003', now(), now()),
                (gen_random_uuid(), 'group:default/guild', 'Group', 'default', 'guild', NULL, '{{}}', '{{}}', '{{}}', NULL, now(), now()),
                (gen_random_uuid(), 'group:default/checkout-helpers', 'Group', 'default', 'checkout-helpers', NULL, '{{}}', '{{}}', '{{}}', NULL, now(), now());
            INSERT INTO audit_entries (at, actor_type, actor, action, target, outcome) VALUES
                (now(), 'token', 'bootstrap-admin-token (bootstrap)', 'catalog.entity.create', 'group:default/guild', 'success'),
                (now(), 'user', 'root', 'catalog.entity.update', 'group:default/guild', 'success'),
                (now(), 'token', 'ana.silva (tok-2)', 'catalog.entity.create', 'group:default/checkout-helpers', 'success');
            """);

        await migrator.MigrateAsync();

        var locations = await db.CatalogLocations.AsNoTracking().OrderBy(l => l.Target).ToDictionaryAsync(l => l.Target);
        Assert.True(locations["/demo"].TrustedForIdentity && locations["/demo"].RegistrantIsAdmin);
        Assert.True(locations["/admin"].TrustedForIdentity && locations["/admin"].RegistrantIsAdmin);
        var member = locations["file:///repos/payments/svc.git"];
        Assert.False(member.TrustedForIdentity || member.RegistrantIsAdmin);
        Assert.Equal(["group:default/payments"], member.RegistrantTeams); // the owners it already had
        var trusted = await db.CatalogEntities.AsNoTracking().Where(e => e.TrustedForIdentity).OrderBy(e => e.EntityRef).Select(e => e.EntityRef).ToListAsync();
        Assert.Equal(["group:default/guild", "group:default/payments", "group:default/sre"], trusted);
    }
}
