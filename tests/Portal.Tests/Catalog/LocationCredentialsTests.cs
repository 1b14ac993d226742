using System.Text;
using Portal.Web.Features.Catalog.Ingestion;

namespace Portal.Tests.Catalog;

public sealed class LocationCredentialsTests
{
    [Theory]
    [InlineData("https://bob:ghp_secret123@git.example.com/org/repo.git", "https://bob:***@git.example.com/org/repo.git")]
    [InlineData("https://ghp_secret123@github.com/org/repo.git", "https://***@github.com/org/repo.git")]
    [InlineData("git clone failed: fatal: unable to access 'https://u:ghp_secret123@h/r.git/'", "git clone failed: fatal: unable to access 'https://u:***@h/r.git/'")]
    [InlineData("ssh://bob:ghp_secret123@git.example.com/repo.git", "ssh://bob:***@git.example.com/repo.git")]
    public void Credentials_in_urls_are_redacted(string text, string expected) =>
        Assert.Equal(expected, LocationCredentials.Redact(text));

    [Theory]
    [InlineData("https://git.example.com/org/repo.git")]
    [InlineData("ssh://git@git.example.com/org/repo.git")]
    [InlineData("git@github.com:org/repo.git")]
    [InlineData("file:///srv/repos/app")]
    [InlineData("/srv/repos/*/catalog-info.yaml")]
    public void Urls_without_secrets_are_accepted_unchanged(string target)
    {
        Assert.Equal(target, LocationCredentials.Redact(target));
        Assert.Null(LocationCredentials.Problem(target));
    }

    [Fact]
    public void A_target_with_a_token_is_refused_without_repeating_it_and_points_to_the_configured_credential()
    {
        var problem = LocationCredentials.Problem("https://bob:ghp_secret123@git.example.com/org/repo.git");

        Assert.NotNull(problem);
        Assert.DoesNotContain("ghp_secret123", problem, StringComparison.Ordinal);
        Assert.Contains("https://bob:***@git.example.com/org/repo.git", problem, StringComparison.Ordinal);
        Assert.Contains("Portal:Catalog:GitCredentials", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_configured_token_reaches_git_as_a_header_scoped_to_its_host()
    {
        GitCredential[] credentials = [new() { Host = "git.example.com", Username = "bot", Token = "tok-1" }];

        var environment = LocationCredentials.GitEnvironment("https://GIT.example.com/org/repo.git", credentials);

        Assert.NotNull(environment);
        Assert.Equal("http.https://git.example.com/.extraHeader", environment["GIT_CONFIG_KEY_0"]);
        Assert.Equal("Authorization: Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("bot:tok-1")), environment["GIT_CONFIG_VALUE_0"]);
        Assert.Null(LocationCredentials.GitEnvironment("https://other.example.com/org/repo.git", credentials));
        Assert.Null(LocationCredentials.GitEnvironment("ssh://git@git.example.com/org/repo.git", credentials));
    }
}
