using Portal.Web.Features.Identity;

namespace Portal.Tests.Identity;

public sealed class TeamMembershipTests
{
    private static readonly GroupFacts[] Org =
    [
        new("group:default/acme", null, []),
        new("group:default/infra", "group:default/acme", []),
        new("group:default/team-a", "group:default/infra", ["user:default/frank"]),
        new("group:default/team-b", "group:default/acme", []),
        // A cycle in someone's catalog must not hang sign-in.
        new("group:default/loop-1", "group:default/loop-2", []),
        new("group:default/loop-2", "group:default/loop-1", []),
    ];

    [Fact]
    public void Members_list_and_memberOf_both_count_and_parents_are_included()
    {
        var viaMembers = TeamMembership.Resolve("user:default/frank", [], [], Org);
        var viaMemberOf = TeamMembership.Resolve("user:default/guest", ["group:default/team-b"], [], Org);

        Assert.Equal(["group:default/acme", "group:default/infra", "group:default/team-a"], viaMembers.Order());
        Assert.Equal(["group:default/acme", "group:default/team-b"], viaMemberOf.Order());
    }

    [Fact]
    public void Provider_groups_join_in_and_cycles_end()
    {
        var teams = TeamMembership.Resolve(null, [], ["group:default/loop-1"], Org);

        Assert.Equal(["group:default/loop-1", "group:default/loop-2"], teams.Order());
    }
}
