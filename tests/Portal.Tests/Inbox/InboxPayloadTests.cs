using Portal.Web.Features.Inbox;

namespace Portal.Tests.Inbox;

public sealed class InboxPayloadTests
{
    [Theory]
    [InlineData("/catalog/default/component/x")]
    [InlineData("https://runbooks.example/payments")]
    [InlineData("http://grafana.internal/d/abc")]
    public void Portal_paths_and_http_links_are_shown(string link)
    {
        Assert.True(InboxSender.IsSafeLink(link));
    }

    [Theory]
    [InlineData("javascript:alert(1)")]
    [InlineData("//evil.example/x")]
    [InlineData("data:text/html,<script>")]
    [InlineData("/\\evil.example")]
    [InlineData("file:///etc/passwd")]
    [InlineData("/\t/evil.example")] // browsers drop the tab and open //evil.example
    [InlineData("/\n/evil.example")]
    [InlineData("/\r/evil.example")]
    public void Links_that_could_run_script_or_leave_unnoticed_are_refused(string link)
    {
        Assert.False(InboxSender.IsSafeLink(link));
    }

    [Fact]
    public void Every_problem_of_a_payload_is_named()
    {
        var problems = InboxSender.Problems(new InboxPayload("", new string('x', 2001), "javascript:x", "urgent", new string('s', 201)));

        Assert.Equal(
        [
            "the title is empty.",
            "info is longer than 2000 characters.",
            "the link must be a portal path (/catalog/...) or an http(s) URL of at most 1000 characters.",
            "the severity 'urgent' is not one of low, normal, high, critical.",
            "the scope is longer than 200 characters.",
        ], problems);
    }

    [Fact]
    public void A_plain_payload_has_no_problem()
    {
        Assert.Empty(InboxSender.Problems(new InboxPayload("Repository created", null, null, InboxSeverity.Normal, null)));
    }
}
