using Portal.Web.Infrastructure.Files;

namespace Portal.Tests.Foundation;

public sealed class RealPathTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("realpath-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string At(string relative) => Path.Combine(_root, relative);

    [Fact]
    public void A_plain_path_inside_the_root_is_its_own_real_path()
    {
        Directory.CreateDirectory(At("docs"));
        File.WriteAllText(At("docs/a.txt"), "a");

        Assert.Equal(RealPath.Resolve(At("docs/a.txt")), RealPath.Within(At("docs/a.txt"), _root));
    }

    [Fact]
    public void Links_that_lead_outside_are_refused_directly_through_a_chain_and_through_dotdot_after_the_link()
    {
        Directory.CreateDirectory(At("sub"));
        File.CreateSymbolicLink(At("passwd.txt"), "/etc/passwd");
        Directory.CreateSymbolicLink(At("rootdir"), "/");
        Directory.CreateSymbolicLink(At("sub/deeper"), "../rootdir");
        Directory.CreateSymbolicLink(At("up"), string.Concat(Enumerable.Repeat("../", 40)));

        Assert.Null(RealPath.Within(At("passwd.txt"), _root));
        Assert.Null(RealPath.Within(At("rootdir/etc/passwd"), _root));
        Assert.Null(RealPath.Within(At("sub/deeper/etc/passwd"), _root));
        Assert.Null(RealPath.Within(At("up/etc/passwd"), _root));
        Assert.Equal("/etc/passwd", RealPath.Resolve(At("sub/deeper/etc/passwd")));
    }

    [Fact]
    public void A_link_inside_the_root_to_a_file_inside_it_is_allowed_and_a_linked_root_is_followed()
    {
        Directory.CreateDirectory(At("real/docs"));
        File.WriteAllText(At("real/docs/a.txt"), "a");
        File.CreateSymbolicLink(At("real/alias.txt"), "docs/a.txt");
        Directory.CreateSymbolicLink(At("linked-root"), At("real"));

        Assert.Equal(RealPath.Resolve(At("real/docs/a.txt")), RealPath.Within(At("linked-root/alias.txt"), At("linked-root")));
        Assert.Null(RealPath.Within(At("linked-root/../outside.txt"), At("linked-root")));
    }

    [Fact]
    public void A_link_loop_is_refused_not_followed_forever()
    {
        File.CreateSymbolicLink(At("a"), At("b"));
        File.CreateSymbolicLink(At("b"), At("a"));

        Assert.Throws<IOException>(() => RealPath.Resolve(At("a")));
        Assert.Null(RealPath.Within(At("a"), _root));
    }

    [Theory]
    [InlineData("/srv/cat/a.yaml", "/srv/cat", true)]
    [InlineData("/srv/cat", "/srv/cat/", true)]
    [InlineData("/srv/catalog/a.yaml", "/srv/cat", false)]
    [InlineData("/etc/passwd", "/", true)]
    public void Inside_compares_whole_folder_names(string path, string root, bool inside) => Assert.Equal(inside, RealPath.IsInside(path, root));
}
