using System.Text;
using System.Text.Json;
using Portal.Web.Features.Delivery;

namespace Portal.Tests.Delivery;

public sealed class WebhookPayloadsTests
{
    /// <summary>The test vector of GitHub's "Validating webhook deliveries" documentation.</summary>
    [Fact]
    public void GitHubs_documented_signature_is_valid_and_anything_else_is_not()
    {
        var body = Encoding.UTF8.GetBytes("Hello, World!");
        const string secret = "It's a Secret to Everybody";
        const string signature = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

        Assert.True(WebhookPayloads.GitHubSignatureValid(body, signature, secret));
        Assert.True(WebhookPayloads.GitHubSignatureValid(body, signature.ToUpperInvariant().Replace("SHA256=", "sha256=", StringComparison.Ordinal), secret));
        Assert.False(WebhookPayloads.GitHubSignatureValid(body, signature, secret + " "));
        Assert.False(WebhookPayloads.GitHubSignatureValid(Encoding.UTF8.GetBytes("Hello, World?"), signature, secret));
        Assert.False(WebhookPayloads.GitHubSignatureValid(body, signature[..^2], secret));
        Assert.False(WebhookPayloads.GitHubSignatureValid(body, "sha1=" + signature[7..], secret));
        Assert.False(WebhookPayloads.GitHubSignatureValid(body, null, secret));
        Assert.True(WebhookPayloads.GitLabTokenValid("s3cret", "s3cret"));
        Assert.False(WebhookPayloads.GitLabTokenValid("s3cret ", "s3cret"));
    }

    [Fact]
    public void GitLabs_time_formats_are_read_with_their_offsets()
    {
        Assert.Equal(new DateTimeOffset(2016, 8, 12, 15, 23, 28, TimeSpan.Zero), WebhookPayloads.ParseGitLabTime("2016-08-12 15:23:28 UTC"));
        Assert.Equal(new DateTimeOffset(2021, 4, 28, 19, 50, 0, TimeSpan.Zero), WebhookPayloads.ParseGitLabTime("2021-04-28 21:50:00 +0200")!.Value.ToUniversalTime());
        Assert.Equal(new DateTimeOffset(2021, 4, 28, 23, 50, 0, TimeSpan.Zero), WebhookPayloads.ParseGitLabTime("2021-04-28 21:50:00 -0200")!.Value.ToUniversalTime());
        Assert.Equal(new DateTimeOffset(2016, 8, 12, 15, 23, 21, TimeSpan.Zero), WebhookPayloads.ParseGitLabTime("2016-08-12T17:23:21+02:00")!.Value.ToUniversalTime());
        Assert.Null(WebhookPayloads.ParseGitLabTime(null));
        Assert.Throws<FormatException>(() => WebhookPayloads.ParseGitLabTime("last tuesday"));
    }

    [Fact]
    public void Runs_that_neither_succeed_nor_fail_are_not_recorded_and_failures_are()
    {
        static WebhookEvent Run(string status, string? conclusion) => WebhookPayloads.FromGitHub("workflow_run", JsonDocument.Parse(
            $$$"""{"workflow":{"name":"ci"},"workflow_run":{"id":5,"status":"{{{status}}}","conclusion":{{{(conclusion is null ? "null" : $"\"{conclusion}\"")}}},"head_sha":"abcdef1","head_branch":"main","run_started_at":"2026-01-01T00:00:00Z","updated_at":"2026-01-01T00:05:00Z"}}""").RootElement,
            "component:default/x");

        Assert.Equal("failed", Run("completed", "timed_out").Build!.Status);
        Assert.Equal("cancelled", Run("completed", "cancelled").Build!.Status);
        Assert.Equal("running", Run("in_progress", null).Build!.Status);
        Assert.Null(Run("in_progress", null).Build!.FinishedAt);
        Assert.NotNull(Run("completed", "skipped").Ignored);
        Assert.NotNull(WebhookPayloads.FromGitHub("push", JsonDocument.Parse("{}").RootElement, "component:default/x").Ignored);
        Assert.Equal(["workflow_run"], WebhookPayloads.FromGitHub("workflow_run", JsonDocument.Parse("{}").RootElement, "component:default/x").Errors!.Keys);
    }
}
