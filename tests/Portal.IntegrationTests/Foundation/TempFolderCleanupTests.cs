using Portal.Web.Infrastructure.Files;

namespace Portal.IntegrationTests.Foundation;

/// <summary>
/// What a portal killed mid-upload leaves in its temp folder is removed when a portal starts; a running portal's
/// session, other files in the folder and everything outside it are kept.
/// </summary>
public sealed class TempFolderCleanupTests : IClassFixture<PortalAppFactory>, IDisposable
{
    private readonly PortalAppFactory _factory;
    private readonly string _outer = Directory.CreateTempSubdirectory("portal-tmp-test-").FullName;
    private readonly string _root;
    private readonly FileStream _liveLock;

    public TempFolderCleanupTests(PortalAppFactory factory)
    {
        _factory = factory;
        _root = Path.Combine(_outer, "portal-temp");
        factory.Settings[PortalTempFolder.Setting] = _root;
        // A portal that was killed: its session folder, an upload half-spooled, a lock nobody holds.
        Write($"{PortalTempFolder.SessionPrefix}4242-dead/0f1e2d.tmp", "half an upload");
        Write($"{PortalTempFolder.SessionPrefix}4242-dead/.lock", "");
        Write($"{PortalTempFolder.SessionPrefix}4243-nolock/ASPNETCORE_1234.tmp", "buffered form");
        Directory.SetLastWriteTimeUtc(Path.Combine(_root, $"{PortalTempFolder.SessionPrefix}4243-nolock"), DateTime.UtcNow.AddHours(-1));
        // A portal that is running (this test holds its lock) and files that are not the portal's.
        Write($"{PortalTempFolder.SessionPrefix}4244-live/upload.tmp", "in use");
        _liveLock = new FileStream(Write($"{PortalTempFolder.SessionPrefix}4244-live/.lock", ""), FileMode.Open, FileAccess.ReadWrite, FileShare.None);
        Write("someone-elses.tmp", "not a session");
        Write("other-program/data.tmp", "not a session");
        File.WriteAllText(Path.Combine(_outer, "unrelated.tmp"), "outside the portal's folder");
        // The scaffolder's publish folders: one left by a crash mid-publish (the workspace, values and all), one being published.
        _publish = Path.Combine(factory.TemplatesFolder, "work", "publish");
        Directory.CreateDirectory(Path.Combine(_publish, "dead-task"));
        File.WriteAllText(Path.Combine(_publish, "dead-task", "catalog-info.yaml"), "left by a crash");
        File.WriteAllText(Path.Combine(_publish, "dead-task.lock"), "");
        Directory.CreateDirectory(Path.Combine(_publish, "live-task"));
        File.WriteAllText(Path.Combine(_publish, "live-task", "README.md"), "being published");
        _livePublish = new FileStream(Path.Combine(_publish, "live-task.lock"), FileMode.Create, FileAccess.ReadWrite, FileShare.None);
    }

    private readonly string _publish;
    private readonly FileStream _livePublish;

    public void Dispose()
    {
        _liveLock.Dispose();
        _livePublish.Dispose();
        // If this portal was the first of the test run, ASP.NET Core buffers uploads in its session folder for the rest of the run.
        if (!(Environment.GetEnvironmentVariable("ASPNETCORE_TEMP") ?? "").StartsWith(_outer, StringComparison.Ordinal))
        {
            Directory.Delete(_outer, recursive: true);
        }
    }

    private string Write(string relative, string content)
    {
        var path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    [Fact]
    public void Starting_the_portal_removes_sessions_and_publish_folders_left_by_crashed_portals_and_keeps_everything_else()
    {
        _ = _factory.Server; // start the portal

        Assert.False(Directory.Exists(Path.Combine(_root, $"{PortalTempFolder.SessionPrefix}4242-dead")));
        Assert.False(Directory.Exists(Path.Combine(_root, $"{PortalTempFolder.SessionPrefix}4243-nolock")));
        Assert.True(File.Exists(Path.Combine(_root, $"{PortalTempFolder.SessionPrefix}4244-live", "upload.tmp")));
        Assert.True(File.Exists(Path.Combine(_root, "someone-elses.tmp")));
        Assert.True(File.Exists(Path.Combine(_root, "other-program", "data.tmp")));
        Assert.True(File.Exists(Path.Combine(_outer, "unrelated.tmp")));
        Assert.False(Directory.Exists(Path.Combine(_publish, "dead-task")));
        Assert.True(File.Exists(Path.Combine(_publish, "live-task", "README.md")));
    }
}
