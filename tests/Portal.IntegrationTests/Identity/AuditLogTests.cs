using System.Net;
using System.Net.Http.Json;
using Npgsql;
using Portal.TestSupport;
using Portal.Web.Features.Identity;

namespace Portal.IntegrationTests.Identity;

public sealed class AuditLogTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>
{
    [Fact]
    public async Task The_database_refuses_to_change_or_delete_audit_entries()
    {
        using var admin = factory.AdminClient();
        await admin.PostAsJsonAsync("/api/identity/users", new CreateUserRequest("audited-user", null, null, "a-long-password-1", []));
        await AuditAssert.RecordedAsync(factory, "identity.user.create", "user:audited-user", "bootstrap-admin-token");

        foreach (var sql in new[] { "UPDATE audit_entries SET actor = 'someone-else'", "DELETE FROM audit_entries", "TRUNCATE audit_entries" })
        {
            var error = await Assert.ThrowsAsync<PostgresException>(() => PostgresProbe.ScalarAsync(factory.ConnectionString, sql));
            Assert.Contains("append-only", error.MessageText, StringComparison.Ordinal);
        }
        await AuditAssert.RecordedAsync(factory, "identity.user.create", "user:audited-user", "bootstrap-admin-token");
    }

    [Fact]
    public async Task Admins_filter_the_log_and_export_it_as_csv()
    {
        using var admin = factory.AdminClient();
        await admin.PostAsJsonAsync("/api/identity/users", new CreateUserRequest("csv-user", "=cmd|' /C calc'!A0", null, "a-long-password-1", ["approver"]));

        var filtered = await admin.GetFromJsonAsync<List<AuditView>>("/api/admin/audit?action=identity.user&target=csv-user");
        var entry = Assert.Single(filtered!);
        Assert.Equal("identity.user.create", entry.Action);
        Assert.Contains("approver", entry.Changes, StringComparison.Ordinal);

        var csv = await admin.GetAsync(new Uri("/api/admin/audit/export.csv?target=csv-user", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType!.MediaType);
        var lines = (await csv.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("id,at,actor_type,actor,action,target,outcome,ip,changes", lines[0]);
        Assert.Equal(2, lines.Length);
        Assert.Contains("\"identity.user.create\",\"user:csv-user\",\"success\"", lines[1], StringComparison.Ordinal);

        var empty = await admin.GetFromJsonAsync<List<AuditView>>("/api/admin/audit?actor=nobody-like-this");
        Assert.Empty(empty!);
    }

    [Fact]
    public async Task The_audit_log_answers_under_identity_and_at_its_first_address_alike()
    {
        using var admin = factory.AdminClient();
        await admin.PostAsJsonAsync("/api/identity/users", new CreateUserRequest("two-address-user", null, null, "a-long-password-1", []));

        var current = await admin.GetFromJsonAsync<List<AuditView>>("/api/identity/audit?target=two-address-user");
        var first = await admin.GetFromJsonAsync<List<AuditView>>("/api/admin/audit?target=two-address-user");
        Assert.Equal("identity.user.create", Assert.Single(current!).Action);
        Assert.Equal(current!.Select(e => e.Id), first!.Select(e => e.Id));
        Assert.Equal(await (await admin.GetAsync(new Uri("/api/identity/audit/export.csv?target=two-address-user", UriKind.Relative))).Content.ReadAsStringAsync(),
            await (await admin.GetAsync(new Uri("/api/admin/audit/export.csv?target=two-address-user", UriKind.Relative))).Content.ReadAsStringAsync());

        var (_, memberToken) = await factory.UserWithTokenAsync("audit-curious");
        using var member = factory.ClientWithToken(memberToken);
        Assert.Equal(HttpStatusCode.Forbidden, (await member.GetAsync(new Uri("/api/identity/audit", UriKind.Relative))).StatusCode);
    }
}
