using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;
using Portal.Web.Features.Catalog;
using Portal.Web.Features.Identity;

namespace Portal.Web.Features.Slo;

public sealed record ImportedDocument(int Index, string Kind, string? Name, string Status, Guid? Id, IReadOnlyList<string> Errors, IReadOnlyList<string> Notes);

/// <summary>
/// Creating or updating SLOs from OpenSLO documents (the API's import, and the <c>portal.dev/openslo</c> files that
/// components keep beside their catalog-info.yaml): each SLO is matched by component and name.
/// </summary>
public static class SloImport
{
    public const string Annotation = "portal.dev/openslo";

    /// <summary>Imports what is valid and allowed; every document gets its own status (partial success).</summary>
    public static async Task<List<ImportedDocument>> ImportAsync(PortalDbContext db, string yaml, Func<string, Task<bool>> mayChange, AuditActor actor,
        DateTimeOffset now, string? defaultService, CancellationToken ct)
    {
        var results = new List<ImportedDocument>();
        foreach (var document in OpenSlo.Read(yaml, defaultService))
        {
            if (document.Slo is not { } request)
            {
                results.Add(new ImportedDocument(document.Index, document.Kind, document.Name, document.Errors.Count > 0 ? "error" : "skipped", null,
                    document.Errors, document.Notes));
                continue;
            }
            var componentRef = request.Component!;
            if (!await CatalogReads.ExistsAsync(db, componentRef, CatalogKinds.Component, ct))
            {
                results.Add(new ImportedDocument(document.Index, "SLO", document.Name, "error", null, [$"There is no component {componentRef} in the catalog."], document.Notes));
                continue;
            }
            if (!await mayChange(componentRef))
            {
                results.Add(new ImportedDocument(document.Index, "SLO", document.Name, "error", null, [$"You may not change the SLOs of {componentRef}."], document.Notes));
                continue;
            }
            var slo = await db.Set<SloDefinition>().FirstOrDefaultAsync(s => s.ComponentRef == componentRef && s.Name == request.Name, ct);
            var created = slo is null;
            slo ??= new SloDefinition { Name = "", ComponentRef = "", Indicator = "", CreatedBy = actor.Name, CreatedAt = now };
            var changed = await SloCommands.PersistAsync(db, slo, created, request, componentRef, actor, now, ct);
            results.Add(new ImportedDocument(document.Index, "SLO", document.Name, created ? "created" : changed ? "updated" : "unchanged", slo.Id, [],
                document.Notes));
        }
        return results;
    }

    /// <summary>The default pair offered for a component that sends http.server.request.duration: 99.9 % availability and 95 % under 300 ms, 28 days.</summary>
    public static IReadOnlyList<SloRequest> Defaults(string componentRef)
    {
        var name = EntityRef.Parse(componentRef, "component").Name;
        return
        [
            new SloRequest($"{name}-availability", "Availability", componentRef, SliKinds.Availability, null, 0.999m, new SloWindowRequest("rolling", 28, null), "Occurrences", null, 0),
            new SloRequest($"{name}-latency", "Latency under 300 ms", componentRef, SliKinds.Latency, 0.3m, 0.95m, new SloWindowRequest("rolling", 28, null), "Occurrences", null, 0),
        ];
    }
}

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
