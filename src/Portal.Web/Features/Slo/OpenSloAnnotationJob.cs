using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;
using Portal.Web.Features.Catalog;
using Portal.Web.Features.Identity;

namespace Portal.Web.Features.Slo;

/// <summary>
/// Reads the OpenSLO file each component names in its <c>portal.dev/openslo</c> annotation (a path beside its
/// catalog-info.yaml, never outside that folder) and imports its SLOs; runs every few minutes, like the catalog refresh.
/// </summary>
public sealed class OpenSloAnnotationJob(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider time, ILogger<OpenSloAnnotationJob> logger)
{
    public const string RecurringId = "slo-openslo-files";

    [Hangfire.AutomaticRetry(Attempts = 0)]
    [Hangfire.DisableConcurrentExecution(300)]
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var components = await CatalogReads.AnnotatedAsync(db, CatalogKinds.Component, SloImport.Annotation, cancellationToken);
        var imported = 0;
        foreach (var component in components)
        {
            if (!component.Descriptor.RootElement.TryGetProperty("metadata", out var metadata) || !metadata.TryGetProperty("annotations", out var annotations)
                || !annotations.TryGetProperty(SloImport.Annotation, out var value) || value.GetString() is not { Length: > 0 } relative)
            {
                continue;
            }
            var folder = Path.GetDirectoryName(component.Source)!;
            var file = Path.GetFullPath(Path.Combine(folder, relative));
            // By its real path: a symbolic link (or a link git checked out as a file) must not carry the read outside the folder.
            var real = Catalog.Ingestion.LocationReader.IsWithin(file, folder) ? Infrastructure.Files.RealPath.Within(file, folder) : null;
            if (real is null || Catalog.Ingestion.GitMirror.RecordedLinksAround(folder).Contains(file) || !File.Exists(real) || new FileInfo(real).Length > 1024 * 1024)
            {
                logger.LogWarning("{Component}: the OpenSLO file '{File}' is missing, too large, a link or outside the component's folder", component.Ref, relative);
                continue;
            }
            var results = await SloImport.ImportAsync(db, await File.ReadAllTextAsync(real, cancellationToken), owner => Task.FromResult(owner == component.Ref),
                AuditActor.System, time.GetUtcNow(), component.Ref, cancellationToken);
            imported += results.Count(r => r.Status is "created" or "updated");
            foreach (var problem in results.Where(r => r.Status == "error"))
            {
                logger.LogWarning("{Component}: {File} document {Index}: {Errors}", component.Ref, relative, problem.Index, string.Join(" ", problem.Errors));
            }
        }
        return imported;
    }
}
