using Portal.Web.Features.Incidents;

namespace Portal.Tests.Incidents;

/// <summary>What a person may write on an incident (comments, declarations, the commander), and which routes open ticket incidents.</summary>
public sealed class IncidentInputTests
{
    [Theory]
    [InlineData(null, "The comment is empty.")]
    [InlineData("   ", "The comment is empty.")]
    [InlineData("Rolled back **v42**.", null)]
    public void A_comment_is_refused_when_empty(string? text, string? problem) => Assert.Equal(problem, IncidentInput.CommentProblem(text));

    [Fact]
    public void A_comment_is_at_most_4000_characters_and_the_refusal_says_how_long_it_was()
    {
        Assert.Null(IncidentInput.CommentProblem(new string('a', 4000)));
        Assert.Equal("A comment is at most 4,000 characters (this one has 4,001).", IncidentInput.CommentProblem(new string('a', 4001)));
    }

    [Fact]
    public void A_declaration_names_every_field_that_is_wrong_and_nothing_when_it_is_right()
    {
        Assert.Empty(IncidentInput.DeclareProblems("component:default/x", "Checkout is down", "page", null));
        Assert.Empty(IncidentInput.DeclareProblems("component:default/x", new string('t', 200), "ticket", new string('s', 4000)));
        var problems = IncidentInput.DeclareProblems(" ", new string('t', 201), "sev1", new string('s', 4001));
        Assert.Equal(["component", "severity", "summary", "title"], problems.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("severity is one of page, ticket.", Assert.Single(problems["severity"]));
        Assert.Contains("title", IncidentInput.DeclareProblems("component:default/x", "  ", "page", null).Keys);
    }

    [Theory]
    [InlineData("ana.silva", "ana.silva")]
    [InlineData("  Ana.Silva ", "ana.silva")]
    [InlineData("user:default/ana.silva", "ana.silva")]
    [InlineData("user:ana_silva-2", "ana_silva-2")]
    [InlineData("", null)]
    [InlineData(null, null)]
    [InlineData("ana silva", null)]
    [InlineData("user:default/", null)]
    [InlineData("<script>", null)]
    public void The_commander_is_a_user_name_or_a_user_ref(string? input, string? userName) => Assert.Equal(userName, IncidentInput.UserName(input));

    [Fact]
    public void A_page_always_opens_an_incident_and_a_ticket_only_where_a_route_that_takes_it_says_so()
    {
        var options = new IncidentsOptions
        {
            Receivers =
            [
                new IncidentReceiver { Url = "http://127.0.0.1/a", Team = "group:default/payments", Severities = ["ticket"], OpenIncident = true },
                new IncidentReceiver { Url = "http://127.0.0.1/b", Team = "group:default/checkout" },
                new IncidentReceiver { Url = "http://127.0.0.1/c", Team = "group:default/search", Severities = ["page"], OpenIncident = true },
            ],
        };
        Assert.True(options.OpensIncident("group:default/checkout", "page"));
        Assert.True(options.OpensIncident(null, "page"));
        Assert.True(options.OpensIncident("group:default/payments", "ticket"));
        Assert.True(options.OpensIncident("Group:Default/Payments", "ticket"));
        Assert.False(options.OpensIncident("group:default/checkout", "ticket")); // its route only notifies
        Assert.False(options.OpensIncident("group:default/search", "ticket"));   // its opening route does not take tickets
        Assert.False(options.OpensIncident(null, "ticket"));
        Assert.False(new IncidentsOptions().OpensIncident("group:default/payments", "ticket"));
    }
}
