using Portal.Web.Infrastructure.Postgres;

namespace Portal.Tests.Foundation;

/// <summary>The clean-up test runs do of folders left by killed test processes, with other test processes running beside.</summary>
public sealed class AbandonedClusterTests : IDisposable
{
    private readonly string _parent = Path.Combine(Path.GetTempPath(), "abandoned-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void Old_unlocked_folders_are_removed_while_young_or_locked_ones_are_left_alone()
    {
        var abandoned = Folder("abandoned", TimeSpan.FromHours(2));
        var young = Folder("young", TimeSpan.Zero);             // a data folder whose portal has not started yet
        var inUse = Folder("in-use", TimeSpan.FromHours(2));
        using (new FileStream(Path.Combine(inUse, "portal.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
        {
            Directory.SetLastWriteTimeUtc(inUse, DateTime.UtcNow.AddHours(-2));
            EmbeddedPostgres.RemoveAbandonedClusters(_parent, TimeSpan.FromHours(1));
        }

        Assert.False(Directory.Exists(abandoned));
        Assert.True(Directory.Exists(young));
        Assert.False(File.Exists(Path.Combine(young, "portal.lock")), "a young folder is not even probed for its lock");
        Assert.True(Directory.Exists(inUse));
    }

    private string Folder(string name, TimeSpan age)
    {
        var folder = Path.Combine(_parent, name);
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "marker"), name);
        Directory.SetLastWriteTimeUtc(folder, DateTime.UtcNow - age);
        return folder;
    }

    public void Dispose()
    {
        if (Directory.Exists(_parent))
        {
            Directory.Delete(_parent, recursive: true);
        }
    }
}
