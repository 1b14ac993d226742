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
