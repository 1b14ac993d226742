using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Web.Data;
using Portal.Web.Infrastructure.Files;

namespace Portal.Web.Features.Templates;

/// <summary>
/// Keeps the scaffolder's work folder from growing without bound (recurring job <see cref="RecurringId"/>, hourly).
/// What it may remove: <see cref="PublishedMirror"/> copies of finished tasks unused for
/// <see cref="PublishedCleanupOptions.RetentionDays"/> or above <see cref="PublishedCleanupOptions.MaxTotalMB"/> (the host
/// has the repository; the view fetches it again), and publish workspaces no running task holds. What it never touches:
/// publish:git's repositories (under the repository root: they are the published repositories), a running task's copy,
/// any name it did not make, and anything a symbolic link points at (a link is removed as a link).
/// Idempotent and safe to re-run after an interruption: a copy is renamed before it is deleted, and leftovers of an
/// earlier run are finished first.
/// </summary>
public sealed class PublishedCleanupJob(IDbContextFactory<PortalDbContext> dbFactory, IOptions<TemplatesOptions> templates,
    IOptions<PublishedCleanupOptions> options, TimeProvider time, ILogger<PublishedCleanupJob> logger)
{
    public const string RecurringId = "templates-published-cleanup";

    /// <summary>What one run removed.</summary>
    public sealed record Result(int EvictedCopies, long FreedBytes, int RemovedLinks, int RemovedWorkspaces);

    /// <summary>The folders where publishers write a task's files before pushing (held while in use, see <see cref="ScratchFolder"/>).</summary>
    public static readonly IReadOnlyList<string> WorkspaceFolders = ["publish", "pull-request"];

    [AutomaticRetry(Attempts = 0)]
    [DisableConcurrentExecution(600)]
    public async Task<Result> RunAsync(CancellationToken cancellationToken)
    {
        var work = templates.Value.ResolveWorkDirectory();
        var workspaces = WorkspaceFolders.Sum(f => ScratchFolder.CleanAbandoned(Path.Combine(work, f)));
        var published = PublishedMirror.FolderFor(templates.Value);
        var folder = new DirectoryInfo(published);
        if (!folder.Exists || folder.LinkTarget is not null)
        {
            if (folder.LinkTarget is not null)
            {
                logger.LogWarning("{Folder} is a symbolic link; the published copies are not cleaned up there (set Portal:Templates:WorkDirectory to the real folder).", published);
            }
            return new Result(0, 0, 0, workspaces);
        }
        var now = time.GetUtcNow();
        var links = 0;
        var copies = new List<(PublishedCleanupPlan.Copy Copy, string Path)>();
        foreach (var entry in folder.EnumerateFileSystemInfos())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (entry.Name.StartsWith(PublishedMirror.EvictingPrefix, StringComparison.Ordinal)
                || (entry.Name.StartsWith(PublishedMirror.RestoringPrefix, StringComparison.Ordinal) && now - entry.LastWriteTimeUtc > TimeSpan.FromHours(1)))
            {
                // An eviction this job was interrupted in, or a fetch that died: finished now.
                Remove(published, entry.FullName);
                continue;
            }
            if (!PublishedMirror.TryTaskId(entry.Name, out var taskId))
            {
                continue;
            }
            if (entry.LinkTarget is not null)
            {
                // The publisher never makes a link and the view refuses one: removing the link leaves its target alone.
                File.Delete(entry.FullName);
                links++;
                continue;
            }
            copies.Add((new PublishedCleanupPlan.Copy(taskId, entry.LastWriteTimeUtc, PublishedFolder.SizeOf(entry.FullName), false), entry.FullName));
        }
        var ids = copies.Select(c => c.Copy.TaskId).ToList();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        // A task that no longer exists has finished too; only an open or processing task may still push to its copy.
        var running = (await db.ScaffolderTasks.AsNoTracking()
            .Where(t => ids.Contains(t.Id) && (t.Status == ScaffolderTaskStatus.Open || t.Status == ScaffolderTaskStatus.Processing))
            .Select(t => t.Id).ToListAsync(cancellationToken)).ToHashSet();
        var plan = PublishedCleanupPlan.Evict(copies.Select(c => c.Copy with { TaskFinished = !running.Contains(c.Copy.TaskId) }).ToList(), now,
            TimeSpan.FromDays(options.Value.RetentionDays), options.Value.MaxTotalMB * 1024L * 1024L);
        var paths = copies.ToDictionary(c => c.Copy.TaskId, c => c.Path);
        long freed = 0;
        foreach (var copy in plan)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var evicting = Path.Combine(published, PublishedMirror.EvictingPrefix + Guid.NewGuid().ToString("N"));
            try
            {
                Directory.Move(paths[copy.TaskId], evicting);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                continue;
            }
            Remove(published, evicting);
            freed += copy.Bytes;
        }
        var result = new Result(plan.Count, freed, links, workspaces);
        logger.LogInformation("Published copies cleaned up: {Evicted} evicted ({Freed} bytes), {Links} links and {Workspaces} abandoned workspaces removed.",
            result.EvictedCopies, result.FreedBytes, result.RemovedLinks, result.RemovedWorkspaces);
        return result;
    }

    private static void Remove(string published, string path)
    {
        var (root, full) = (Path.GetFullPath(published).TrimEnd('/'), Path.GetFullPath(path));
        if (full != root && Infrastructure.Files.RealPath.IsInside(full, root))
        {
            PublishedFolder.DeleteTree(path);
        }
    }
}
