using Portal.Web.Infrastructure.Postgres;

namespace Portal.Tests.Foundation;

public sealed class PostgresBinariesTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("pgbin-").FullName;

    [Fact]
    public void The_newest_installed_version_wins()
    {
        FakeInstall("13");
        FakeInstall("15");
        FakeInstall("9.6");
        Directory.CreateDirectory(Path.Combine(_root, "common"));

        Assert.Equal(Path.Combine(_root, "15", "bin"), PostgresBinaries.Find(null, [_root]));
    }

    [Fact]
    public void A_version_folder_without_server_binaries_is_skipped()
    {
        FakeInstall("14");
        Directory.CreateDirectory(Path.Combine(_root, "16", "bin")); // client-only package

        Assert.Equal(Path.Combine(_root, "14", "bin"), PostgresBinaries.Find(null, [_root]));
    }

    [Fact]
    public void A_configured_folder_is_the_only_candidate()
    {
        FakeInstall("15");

        Assert.Null(PostgresBinaries.Find(Path.Combine(_root, "missing"), [_root]));
        Assert.Equal(Path.Combine(_root, "15", "bin"), PostgresBinaries.Find(Path.Combine(_root, "15", "bin"), [_root]));
    }

    [Fact]
    public void The_not_found_message_names_both_fixes()
    {
        Assert.Contains("install PostgreSQL", PostgresBinaries.NotFoundMessage, StringComparison.Ordinal);
        Assert.Contains("ConnectionStrings:Portal", PostgresBinaries.NotFoundMessage, StringComparison.Ordinal);
    }

    private void FakeInstall(string version)
    {
        var bin = Directory.CreateDirectory(Path.Combine(_root, version, "bin")).FullName;
        File.WriteAllText(Path.Combine(bin, "initdb"), "");
        File.WriteAllText(Path.Combine(bin, "pg_ctl"), "");
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
