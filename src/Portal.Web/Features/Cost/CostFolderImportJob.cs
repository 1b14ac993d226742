using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Web.Data;
using Portal.Web.Features.Identity;

namespace Portal.Web.Features.Cost;

/// <summary>
/// The recurring job <c>cost-watch-folder</c>: imports every <c>*.csv</c> and <c>*.gz</c> file in the
/// watched folder, then moves it to <c>imported/</c> (or <c>failed/</c>). A crash before the move
/// leaves the file in place; importing it again replaces the same billing periods, so nothing doubles.
/// </summary>
public sealed class CostFolderImportJob(IDbContextFactory<PortalDbContext> dbFactory, IOptions<CostOptions> options,
    IOptions<CostAttributionOptions> attribution, TimeProvider time, ILogger<CostFolderImportJob> logger)
{
    public const string RecurringId = "cost-watch-folder";

    [DisableConcurrentExecution(3600)]
    [AutomaticRetry(Attempts = 0)]
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var folder = options.Value.WatchFolder;
        if (string.IsNullOrWhiteSpace(folder) || !Directory.Exists(folder))
        {
            return 0;
        }
        var files = Directory.EnumerateFiles(folder).Where(f => f.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal).ToList();
        foreach (var file in files)
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            CostImport result;
            await using (var stream = File.OpenRead(file))
            {
                result = await CostImporter.ImportAsync(db, stream, file, new AuditActor("system", "cost-watch-folder", null), attribution.Value, time, cancellationToken);
            }
            var target = Path.Combine(folder, result.Status == "succeeded" ? "imported" : "failed");
            Directory.CreateDirectory(target);
            File.Move(file, Path.Combine(target, $"{time.GetUtcNow():yyyyMMddHHmmss}-{Path.GetFileName(file)}"), overwrite: true);
            logger.LogInformation("Imported {File} from the watched folder: {Status}, {Rows} rows", Path.GetFileName(file), result.Status, result.Rows);
        }
        return files.Count;
    }
}
