using Portal.Web.Features.Catalog;
using Portal.Web.Features.Identity;

namespace Portal.Tests.Catalog;

public sealed class EntityAuthorityTests
{
    private const string Payments = "group:default/payments";
    private const string Checkout = "group:default/checkout";

    private static AccessFacts Person(bool admin = false, params string[] teams) =>
        new("u1", admin, false, new HashSet<string>(teams, StringComparer.OrdinalIgnoreCase), null);

    private static readonly LocationRegistrant Member = new("ana.silva", "u1", false, [Payments]);
    private static readonly LocationRegistrant MemberTemplate = Member with { TaskId = Guid.Parse("0199aaaa-0000-7000-8000-000000000001") };
    private static readonly LocationRegistrant Admin = new("admin", "u0", true, []);
    private static readonly LocationRegistrant AdminTemplate = Admin with { TaskId = Guid.NewGuid() };

    [Theory]
    [InlineData("Group")]
    [InlineData("group")]
    [InlineData("User")]
    public void Members_cannot_write_people_or_teams_through_the_api_and_admins_can(string kind)
    {
        Assert.Contains("only admins", EntityAuthority.ApiProblem(Person(false, Payments), kind), StringComparison.Ordinal);
        Assert.Null(EntityAuthority.ApiProblem(Person(true), kind));
    }

    [Fact]
    public void Other_kinds_are_left_to_the_ownership_rules()
    {
        Assert.Null(EntityAuthority.ApiProblem(Person(false, Payments), "Component"));
        Assert.Null(EntityAuthority.ApiProblem(Person(false), "System"));
    }

    [Fact]
    public void Only_admin_registered_locations_bring_people_and_teams()
    {
        Assert.True(Admin.TrustedForIdentity);
        Assert.True(LocationRegistrant.System.TrustedForIdentity);
        Assert.False(AdminTemplate.TrustedForIdentity);
        Assert.False(Member.TrustedForIdentity);

        Assert.Null(EntityAuthority.LocationProblem(Admin, "Group", null, null));
        Assert.Null(EntityAuthority.LocationProblem(LocationRegistrant.System, "User", null, null));
        Assert.Contains("a location a template registered", EntityAuthority.LocationProblem(AdminTemplate, "Group", null, null), StringComparison.Ordinal);
        Assert.Contains("a location a template registered", EntityAuthority.LocationProblem(MemberTemplate, "User", null, null), StringComparison.Ordinal);
        Assert.Contains("a location registered by a non-admin", EntityAuthority.LocationProblem(Member, "Group", Payments, null), StringComparison.Ordinal);
    }

    [Fact]
    public void A_location_names_only_owners_its_registrant_acts_for()
    {
        Assert.Null(EntityAuthority.LocationProblem(MemberTemplate, "Component", Payments, null));
        Assert.Null(EntityAuthority.LocationProblem(MemberTemplate, "Component", "Group:Default/Payments", null));
        Assert.Null(EntityAuthority.LocationProblem(MemberTemplate, "Location", null, null));
        Assert.Equal($"The owner {Checkout} is not a team the registrant ana.silva (through template task 0199aaaa-0000-7000-8000-000000000001) may act for; "
            + "the entity was not imported.", EntityAuthority.LocationProblem(MemberTemplate, "Component", Checkout, null));
        // Admins act for every team, also through a template.
        Assert.Null(EntityAuthority.LocationProblem(AdminTemplate, "Component", Checkout, null));
    }

    [Fact]
    public void A_location_cannot_take_over_what_another_team_owns()
    {
        Assert.Contains($"already exists and is owned by {Checkout}", EntityAuthority.LocationProblem(Member, "Component", Payments, Checkout), StringComparison.Ordinal);
        Assert.Null(EntityAuthority.LocationProblem(Member, "Component", Payments, Payments));
        Assert.Null(EntityAuthority.LocationProblem(Admin, "Component", Payments, Checkout));
    }
}
