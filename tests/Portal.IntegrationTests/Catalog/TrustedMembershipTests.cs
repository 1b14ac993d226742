using System.Text.Json;
using System.Text.Json.Nodes;
using Portal.Web.Features.Catalog;

namespace Portal.IntegrationTests.Catalog;

/// <summary>
/// Who is in a team, for an incident's commander (<see cref="CatalogReads.MembersOfAsync"/>) and notification recipients
/// (<see cref="CatalogPeople.ResolveAsync"/>), comes only from trusted Groups and Users, as the team directory's does
/// (security review F7): untrusted rows, as old data or another import path would leave them, add no one.
/// </summary>
public sealed class TrustedMembershipTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>, IAsyncLifetime
{
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..8];
    private string RogueGroup => $"group:default/rogue-{_suffix}";
    private string RogueUser => $"user:default/mallory-{_suffix}";

    public async Task InitializeAsync()
    {
        await factory.SeedDemoAsync();
        await using var db = await factory.DbAsync();
        // An untrusted Group listing a real person, and an untrusted User who says they are in Payments.
        InsertUntrusted(db, $$$"""
            {"apiVersion": "backstage.io/v1alpha1", "kind": "Group", "metadata": {"name": "rogue-{{{_suffix}}}"},
             "spec": {"type": "team", "children": [], "members": ["ana.silva"]}}
            """);
        InsertUntrusted(db, $$$"""
            {"apiVersion": "backstage.io/v1alpha1", "kind": "User", "metadata": {"name": "mallory-{{{_suffix}}}"},
             "spec": {"profile": {"email": "mallory-{{{_suffix}}}@evil.example"}, "memberOf": ["payments"]}}
            """);
        await db.SaveChangesAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static void InsertUntrusted(Portal.Web.Data.PortalDbContext db, string json)
    {
        var entity = CatalogEntityMapper.ToEntity(JsonDocument.Parse(json), DateTimeOffset.UtcNow);
        entity.TrustedForIdentity = false;
        db.CatalogEntities.Add(entity);
        var errors = new List<string>();
        foreach (var edge in EntityRelations.Compute(entity.EntityRef, entity.Namespace, JsonNode.Parse(json)!.AsObject(), errors))
        {
            db.CatalogRelations.Add(new CatalogRelation { SourceRef = edge.SourceRef, Type = edge.Type, TargetRef = edge.TargetRef, OriginRef = entity.EntityRef });
        }
        Assert.Empty(errors);
    }

    [Fact]
    public async Task An_untrusted_group_listing_a_member_gives_the_team_no_members_to_pick_or_notify()
    {
        await using var db = await factory.DbAsync();

        Assert.Empty(await CatalogReads.MembersOfAsync(db, RogueGroup, CancellationToken.None));
        var (people, unknown) = await CatalogPeople.ResolveAsync(db, [RogueGroup], CancellationToken.None);
        Assert.Empty(people);
        Assert.Empty(unknown);
    }

    [Fact]
    public async Task An_untrusted_user_claiming_a_team_is_neither_its_member_nor_its_recipient_while_the_real_members_are()
    {
        await using var db = await factory.DbAsync();

        var members = (await CatalogReads.MembersOfAsync(db, "group:default/payments", CancellationToken.None)).Select(p => p.Ref).ToList();
        var (people, _) = await CatalogPeople.ResolveAsync(db, ["group:default/payments"], CancellationToken.None);

        Assert.Contains("user:default/ana.silva", members);
        Assert.DoesNotContain(RogueUser, members);
        Assert.Contains("user:default/ana.silva", people);
        Assert.DoesNotContain(RogueUser, people);
    }
}
