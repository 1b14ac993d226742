using Portal.Web.Features.Templates;

namespace Portal.Tests.Templates;

public sealed class RepositoryListingTests
{
    [Theory]
    [InlineData("README.md")]
    [InlineData("src/Service/Program.cs")]
    [InlineData(".github/workflows/ci.yml")]
    [InlineData("a..b/c.txt")]
    public void A_plain_relative_path_is_allowed(string path) => Assert.Null(RepositoryListing.PathProblem(path));

    [Theory]
    [InlineData(null, "Give the path")]
    [InlineData("", "Give the path")]
    [InlineData("..", "no empty, '.' or '..' parts")]
    [InlineData("../x", "no empty, '.' or '..' parts")]
    [InlineData("docs/../../x", "no empty, '.' or '..' parts")]
    [InlineData("./README.md", "no empty, '.' or '..' parts")]
    [InlineData("docs//x", "no empty, '.' or '..' parts")]
    [InlineData("docs/", "no empty, '.' or '..' parts")]
    [InlineData("/etc/passwd", "is not a relative path")]
    [InlineData("docs\\..\\x", "is not a relative path")]
    [InlineData("a\0b", "control character")]
    [InlineData("a\nb", "control character")]
    public void Other_paths_are_refused_with_the_reason(string? path, string reason) =>
        Assert.Contains(reason, RepositoryListing.PathProblem(path), StringComparison.Ordinal);

    [Fact]
    public void A_path_longer_than_the_limit_is_refused() =>
        Assert.Contains("longer than", RepositoryListing.PathProblem(new string('a', RepositoryListing.MaxPathLength + 1)), StringComparison.Ordinal);

    [Fact]
    public void Ls_tree_output_reads_into_files_folders_links_and_submodules_with_tabs_and_spaces_in_names()
    {
        var output = "040000 tree 1111111111111111111111111111111111111111       -\tdocs\0"
            + "100644 blob 2222222222222222222222222222222222222222      42\tdocs/a b\tc.md\0"
            + "100755 blob 3333333333333333333333333333333333333333       7\trun.sh\0"
            + "120000 blob 4444444444444444444444444444444444444444      11\tlink\0"
            + "160000 commit 5555555555555555555555555555555555555555       -\tvendor\0";

        var (entries, truncated) = RepositoryListing.ParseLsTree(output);

        Assert.False(truncated);
        Assert.Equal(
            [("docs", "tree", null), ("docs/a b\tc.md", "blob", 42L), ("run.sh", "blob", 7L), ("link", "symlink", 11L), ("vendor", "submodule", null)],
            entries.Select(e => (e.Entry.Path, e.Entry.Type, e.Entry.Size)));
        Assert.Equal("3333333333333333333333333333333333333333", entries[2].Object);
    }

    [Fact]
    public void A_listing_past_the_limit_is_cut_and_marked()
    {
        var output = string.Concat(Enumerable.Range(0, 5).Select(i => $"100644 blob {new string('a', 40)} 1\tf{i}\0"));

        var (entries, truncated) = RepositoryListing.ParseLsTree(output, max: 3);

        Assert.True(truncated);
        Assert.Equal(["f0", "f1", "f2"], entries.Select(e => e.Entry.Path));
    }

    [Fact]
    public void The_readme_is_the_markdown_one_at_the_root()
    {
        RepositoryEntry Blob(string path) => new(path, "blob", 1);

        Assert.Equal("README.md", RepositoryListing.Readme([Blob("docs/README.md"), Blob("README"), Blob("README.md")]));
        Assert.Equal("readme.txt", RepositoryListing.Readme([Blob("docs/README.md"), Blob("readme.txt")]));
        Assert.Null(RepositoryListing.Readme([Blob("docs/README.md"), new RepositoryEntry("README.md", "tree", null)]));
    }

    [Theory]
    [InlineData("http://+:8080", "http://localhost:8080")]
    [InlineData("http://*:8080/", "http://localhost:8080")]
    [InlineData("http://0.0.0.0:5000", "http://localhost:5000")]
    [InlineData("http://[::]:5000", "http://localhost:5000")]
    [InlineData("http://127.0.0.1:5000", "http://127.0.0.1:5000")]
    [InlineData("https://portal.example", "https://portal.example")]
    public void A_listen_address_becomes_an_address_people_can_open(string address, string url) =>
        Assert.Equal(url, PortalAddress.FromListenAddress(address));

    [Fact]
    public void The_clone_url_is_under_the_configured_base_else_the_file_url() =>
        Assert.Equal(("https://git.example/repos/payments/orders.git", "file:///srv/repos/payments/orders.git"),
            (RepositoryBrowser.CloneUrlOf("https://git.example/repos/", "payments", "orders", "/srv/repos/payments/orders.git"),
             RepositoryBrowser.CloneUrlOf(null, "payments", "orders", "/srv/repos/payments/orders.git")));

    [Fact]
    public void Only_owner_and_repo_dot_git_directly_under_the_root_is_a_repository_to_show()
    {
        var root = Path.Combine(Path.GetTempPath(), "repo-root-" + Guid.NewGuid().ToString("N"));
        var repo = Path.Combine(root, "payments", "orders.git");
        Directory.CreateDirectory(repo);
        File.WriteAllText(Path.Combine(repo, "HEAD"), "ref: refs/heads/main\n");
        var outside = Path.Combine(Path.GetTempPath(), "repo-out-" + Guid.NewGuid().ToString("N"), "orders.git");
        Directory.CreateDirectory(outside);
        File.WriteAllText(Path.Combine(outside, "HEAD"), "ref: refs/heads/main\n");
        Directory.CreateSymbolicLink(Path.Combine(root, "payments", "linked.git"), outside);
        try
        {
            Assert.Equal(new RepositoryBrowser.Located("payments", "orders", repo), RepositoryBrowser.Within(root, new Uri(repo).AbsoluteUri));
            Assert.Null(RepositoryBrowser.Within(root, new Uri(Path.Combine(root, "payments", "linked.git")).AbsoluteUri));
            Assert.Null(RepositoryBrowser.Within(root, new Uri(outside).AbsoluteUri));
            Assert.Null(RepositoryBrowser.Within(root, new Uri(Path.Combine(root, "payments")).AbsoluteUri));
            Assert.Null(RepositoryBrowser.Within(root, new Uri(Path.Combine(root, "payments", "missing.git")).AbsoluteUri));
            Assert.Null(RepositoryBrowser.Within(root, "https://github.com/payments/orders"));
            Assert.Null(RepositoryBrowser.Within(root, "not a url"));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
            Directory.Delete(Path.GetDirectoryName(outside)!, recursive: true);
        }
    }
}
