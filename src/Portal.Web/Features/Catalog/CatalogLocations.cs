using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;
using Portal.Web.Features.Catalog.Ingestion;
using Portal.Web.Features.Identity;

namespace Portal.Web.Features.Catalog;

public sealed record RegisterOutcome(Dictionary<string, string[]> Errors, RegisterLocationResult? Result, bool Conflict);

/// <summary>Registering a location: one implementation for the API and the register page.</summary>
public static class CatalogLocations
{
    public static async Task<RegisterOutcome> RegisterAsync(PortalDbContext db, LocationReader reader, CatalogOptions options, TimeProvider time,
        AuditActor actor, LocationRegistrant registrant, RegisterLocationRequest request, bool dryRun, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var type = request.Type?.Trim().ToLowerInvariant();
        if (type is not ("file" or "git" or "url"))
        {
            errors["type"] = ["The type must be file, git or url."];
        }
        if (string.IsNullOrWhiteSpace(request.Target) || request.Target.Length > 2000)
        {
            errors["target"] = ["The target is required (a path or glob, a repository URL or an https URL)."];
        }
        else if (LocationCredentials.Problem(request.Target) is { } credentials)
        {
            errors["target"] = [credentials];
        }
        else if (type == "url" && (!Uri.TryCreate(request.Target.Trim(), UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps))
        {
            errors["target"] = ["A url location needs an absolute https URL."];
        }
        else if (type == "file" && !System.IO.Path.IsPathRooted(request.Target.Trim()))
        {
            errors["target"] = ["A file location needs an absolute path (globs such as /srv/repos/*/catalog-info.yaml are fine)."];
        }
        if (errors.Count > 0)
        {
            return new RegisterOutcome(errors, null, false);
        }
        var spec = new LocationSpec(type!, request.Target!.Trim(), string.IsNullOrWhiteSpace(request.Branch) ? null : request.Branch.Trim(),
            string.IsNullOrWhiteSpace(request.Path) ? null : request.Path.Trim());
        var preview = await CatalogIngestion.PreviewAsync(reader, spec, ct);
        var entities = preview.Entities.Select(e => e.Entity).ToList();
        if (dryRun)
        {
            return new RegisterOutcome([], new RegisterLocationResult(null, entities, preview.Problems), false);
        }
        if (preview.Failed)
        {
            // Nothing is registered that cannot be read; the reason goes back to the person registering it.
            return new RegisterOutcome(new() { ["target"] = preview.Problems.Select(p => p.Message).ToArray() }, null, false);
        }
        if (await ConflictAsync(db, spec, ct) is { } conflict)
        {
            return conflict;
        }
        var location = new CatalogLocation
        {
            Type = spec.Type, Target = spec.Target, Branch = spec.Branch, Path = spec.Path,
            CreatedAt = time.GetUtcNow(), CreatedBy = actor.Name,
            RegisteredByUserId = registrant.UserId, RegisteredByTaskId = registrant.TaskId, RegistrantIsAdmin = registrant.IsAdmin,
            RegistrantTeams = [.. registrant.Teams], TrustedForIdentity = registrant.TrustedForIdentity,
        };
        IReadOnlyList<ReadProblem> refused;
        try
        {
            refused = await CatalogIngestion.RegisterAsync(db, location, preview,
                () => AuditLog.Record(db, actor, "catalog.location.create", location.Key,
                    after: new { spec.Type, spec.Target, spec.Branch, spec.Path, registrant = registrant.Description, registrant.IsAdmin, registrant.TrustedForIdentity }),
                options, time, ct);
        }
        catch (DbUpdateException ex) when (ex.InnerException is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UniqueViolation })
        {
            // The same location registered at the same moment: the unique index decided, the other one won.
            db.ChangeTracker.Clear();
            if (await ConflictAsync(db, spec, ct) is { } raced)
            {
                return raced;
            }
            throw;
        }
        db.ChangeTracker.Clear();
        var saved = await db.CatalogLocations.AsNoTracking().FirstAsync(l => l.Id == location.Id, ct);
        var refusedRefs = refused.Select(p => p.EntityRef).ToHashSet(StringComparer.Ordinal);
        return new RegisterOutcome([], new RegisterLocationResult(LocationView.From(saved),
            preview.Entities.Where(e => !refusedRefs.Contains(e.EntityRef)).Select(e => e.Entity).ToList(), [.. preview.Problems, .. refused]), false);
    }

    private static async Task<RegisterOutcome?> ConflictAsync(PortalDbContext db, LocationSpec spec, CancellationToken ct)
    {
        // A row that never finished its first refresh was left by a crash mid-registration: registering again replaces it.
        var existing = await db.CatalogLocations.AsNoTracking().FirstOrDefaultAsync(l => l.Type == spec.Type && l.Target == spec.Target
            && l.Branch == spec.Branch && l.Path == spec.Path && l.LastRefreshAt != null, ct);
        return existing is null
            ? null
            : new RegisterOutcome([], new RegisterLocationResult(LocationView.From(existing), [],
                [new ReadProblem(spec.Target, null, null, "This location is already registered.")]), true);
    }
}
