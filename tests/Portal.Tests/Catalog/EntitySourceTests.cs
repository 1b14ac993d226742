using Portal.Web.Features.Catalog;
using Portal.Web.Features.Catalog.Ingestion;

namespace Portal.Tests.Catalog;

public sealed class EntitySourceTests
{
    private const string Cache = "/var/cache/portal/git";

    [Theory]
    [InlineData("https://github.com/acme/payments.git", "main", "services/gateway/catalog-info.yaml",
        "https://github.com/acme/payments · services/gateway/catalog-info.yaml", "https://github.com/acme/payments/blob/main/services/gateway/catalog-info.yaml")]
    [InlineData("git@github.com:acme/payments.git", null, "catalog-info.yaml",
        "https://github.com/acme/payments · catalog-info.yaml", "https://github.com/acme/payments/blob/HEAD/catalog-info.yaml")]
    [InlineData("https://gitlab.example.com/platform/catalog", "release/1.2", "teams/a b.yaml",
        "https://gitlab.example.com/platform/catalog · teams/a b.yaml", "https://gitlab.example.com/platform/catalog/-/blob/release%2F1.2/teams/a%20b.yaml")]
    [InlineData("https://bitbucket.org/acme/catalog.git", "main", "all.yaml",
        "https://bitbucket.org/acme/catalog · all.yaml", "https://bitbucket.org/acme/catalog/src/main/all.yaml")]
    [InlineData("https://git.internal.example/acme/catalog.git", "main", "all.yaml", "https://git.internal.example/acme/catalog · all.yaml", null)]
    public void A_git_descriptor_is_shown_as_its_file_in_the_repository_not_the_cache_folder(string target, string? branch, string inRepo, string text, string? href)
    {
        var stored = Path.Combine(GitMirror.CheckoutPath(target, branch, Cache), inRepo);

        var link = EntitySource.Describe(stored, "git", target, branch, Cache);

        Assert.Equal(new EntitySourceLink(text, href), link);
        Assert.DoesNotContain(Cache, link!.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Credentials_in_a_url_never_reach_the_page_and_only_http_links_are_made()
    {
        Assert.Equal(new EntitySourceLink("https://***@raw.example.com/catalog-info.yaml", "https://***@raw.example.com/catalog-info.yaml"),
            EntitySource.Describe("https://ghp_secret@raw.example.com/catalog-info.yaml", "url", "https://ghp_secret@raw.example.com/catalog-info.yaml", null, Cache));
        Assert.Equal(new EntitySourceLink("https://github.com/acme/repo · a.yaml", "https://github.com/acme/repo/blob/main/a.yaml"),
            EntitySource.Describe(Path.Combine(GitMirror.CheckoutPath("https://x-token:s3cret@github.com/acme/repo.git", "main", Cache), "a.yaml"),
                "git", "https://x-token:s3cret@github.com/acme/repo.git", "main", Cache));
    }

    [Fact]
    public void A_server_file_is_shown_as_its_path_and_an_unknown_checkout_only_as_the_repository()
    {
        Assert.Equal(new EntitySourceLink("/srv/catalog/all.yaml", null), EntitySource.Describe("/srv/catalog/all.yaml", "file", "/srv/catalog/all.yaml", null, Cache));
        Assert.Equal(new EntitySourceLink("https://github.com/acme/repo.git", null), EntitySource.Describe("/elsewhere/a.yaml", "git", "https://github.com/acme/repo.git", null, Cache));
        Assert.Null(EntitySource.Describe(null, "git", "https://github.com/acme/repo.git", null, Cache));
    }
}
