using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Web.Data;
using Portal.Web.Features.Catalog.Ingestion;
using Portal.Web.Features.Identity;
using Portal.Web.Features.Catalog.Search;

namespace Portal.Web.Features.Catalog;

/// <summary>The answer of <c>POST /api/catalog/validate</c>; used only here.</summary>
public sealed record ValidationResult(bool Valid, IReadOnlyList<string> Errors);

/// <summary>The catalog API under <c>/api/catalog</c>, answering at the portal's paths and at Backstage's own (by-query, entity-facets).</summary>
public static class CatalogEndpoints
{
    /// <summary>The route table: every catalog route, under one prefix, each to a named handler below.</summary>
    public static void MapCatalogEndpoints(this WebApplication app)
    {
        var api = app.MapGroup("/api/catalog").WithTags("Catalog").RequireAuthorization(PortalPolicies.CatalogRead);
        api.MapGet("/figures", FiguresAsync)
            .WithName("GetCatalogFigures").WithSummary("Catalog counts for the home page").WithDescription("Counts of entities by kind, owners and recent changes.");
        api.MapGet("/entities", QueryAsync)
            .WithName("ListEntities").WithSummary("List entities")
            .WithDescription("Entities matching the filters and full-text search, one page at a time (keyset cursors; `limit` 1-500, default 50). "
                + "`orderField` is `metadata.name` (default), `metadata.title`, `metadata.namespace`, `kind`, `spec.type`, `spec.lifecycle` or `spec.owner`, with `,asc` or `,desc`.");
        api.MapGet("/entities/by-query", QueryAsync)
            .WithName("QueryEntities").WithSummary("List entities (Backstage path)").WithDescription("The same as `GET /api/catalog/entities`, at the path Backstage's catalog client calls.");
        api.MapGet("/entities/by-name/{kind}/{ns}/{name}", GetEntityAsync)
            .WithName("GetEntity").WithSummary("Get an entity by name").WithDescription("The entity's descriptor with `metadata.uid`, `metadata.etag` and its `relations`.");
        api.MapGet("/entities/by-name/{kind}/{ns}/{name}/yaml", GetEntityYamlAsync)
            .WithName("GetEntityYaml").WithSummary("Export an entity as YAML").WithDescription("The stored descriptor as `catalog-info.yaml` text.")
            .Produces<string>(StatusCodes.Status200OK, "application/yaml");
        api.MapDelete("/entities/by-name/{kind}/{ns}/{name}", DeleteEntityAsync).RequireAuthorization(PortalPolicies.CatalogWrite)
            .WithName("DeleteEntity").WithSummary("Delete an entity")
            .WithDescription("Only the owning team (or an admin) may delete. An entity read from a location comes back at the location's next refresh; "
                + "a 403 with a problem body says why people and teams cannot be changed through the API.")
            .ProducesProblem(StatusCodes.Status403Forbidden);
        api.MapGet("/facets", FacetsAsync)
            .WithName("GetFacets").WithSummary("Count entities per facet value")
            .WithDescription("For each `facet` (e.g. `kind`, `spec.type`, `metadata.tags`, `relations.ownedBy`), the values among the matching entities with their counts.");
        api.MapGet("/entity-facets", FacetsAsync)
            .WithName("GetEntityFacets").WithSummary("Count entities per facet value (Backstage path)").WithDescription("The same as `GET /api/catalog/facets`, at Backstage's path.");
        api.MapPost("/validate", Validate)
            .WithName("ValidateEntity").WithSummary("Validate a descriptor").WithDescription("Checks an entity descriptor without storing it; the answer lists every problem.");
        api.MapPost("/entities", UpsertEntityAsync).RequireAuthorization(PortalPolicies.CatalogWrite)
            .WithName("UpsertEntity").WithSummary("Create or replace an entity")
            .WithDescription("Stores the descriptor (201 when new, 200 when it replaced one). The caller's team must own the entity, before and after; "
                + "entities read from a location are changed in their `catalog-info.yaml` instead (409).")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status409Conflict);
        // The caller's own stars: a person's, so a token without a person gets a 400 that says so.
        api.MapGet("/stars", ListStarsAsync)
            .WithName("ListStars").WithSummary("List my starred entities")
            .WithDescription("The refs of the entities the calling person starred, oldest first. A token that acts for no person gets a 400.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        api.MapPut("/stars/{kind}/{ns}/{name}", StarAsync)
            .WithName("StarEntity").WithSummary("Star an entity")
            .WithDescription($"Adds the entity to the calling person's starred entities (at most {CatalogStars.MaxPerPerson}); starring twice is the same as once.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        api.MapDelete("/stars/{kind}/{ns}/{name}", UnstarAsync)
            .WithName("UnstarEntity").WithSummary("Unstar an entity")
            .WithDescription("Removes the entity from the calling person's starred entities; unstarring what is not starred is fine.")
            .ProducesProblem(StatusCodes.Status400BadRequest);

        var locations = api.MapGroup("/locations");
        locations.MapGet("/", ListLocationsAsync)
            .WithName("ListLocations").WithSummary("List catalog locations").WithDescription("Every registered location with its status, entity count and last errors.");
        locations.MapGet("/{id:guid}", GetLocationAsync)
            .WithName("GetLocation").WithSummary("Get a catalog location");
        locations.MapPost("/", RegisterLocationAsync).RequireAuthorization(PortalPolicies.Admin)
            .WithName("RegisterLocation").WithSummary("Register a location")
            .WithDescription("Reads a `catalog-info.yaml` (git repository, URL or folder) and adds its entities. With `dryRun=true` nothing is stored "
                + "and the answer (still 201, as in Backstage) shows what would be added.");
        locations.MapDelete("/{id:guid}", DeleteLocationAsync).RequireAuthorization(PortalPolicies.Admin)
            .WithName("DeleteLocation").WithSummary("Delete a location and its entities");
        locations.MapPost("/{id:guid}/refresh", RefreshLocationAsync).RequireAuthorization(PortalPolicies.Admin)
            .WithName("RefreshLocation").WithSummary("Refresh a location now").WithDescription("Reads the location again inside the request and answers with its new state.");
    }

    private static async Task<Ok<CatalogFigures>> FiguresAsync(PortalDbContext db, CancellationToken ct) =>
        TypedResults.Ok(await CatalogFigures.LoadAsync(db, ct));

    private static async Task<Results<Ok<List<string>>, ProblemHttpResult>> ListStarsAsync(PortalDbContext db, HttpContext http, CancellationToken ct) =>
        AccessFacts.From(http.User).UserId is { } userId ? TypedResults.Ok(await CatalogStars.ListAsync(db, userId, ct)) : NoPersonProblem();

    private static Task<Results<NoContent, NotFound, ProblemHttpResult>> StarAsync(string kind, string ns, string name, PortalDbContext db,
        TimeProvider time, HttpContext http, CancellationToken ct) => SetStarAsync(kind, ns, name, true, db, time, http, ct);

    private static Task<Results<NoContent, NotFound, ProblemHttpResult>> UnstarAsync(string kind, string ns, string name, PortalDbContext db,
        TimeProvider time, HttpContext http, CancellationToken ct) => SetStarAsync(kind, ns, name, false, db, time, http, ct);

    private static async Task<Results<NoContent, NotFound, ProblemHttpResult>> SetStarAsync(string kind, string ns, string name, bool starred,
        PortalDbContext db, TimeProvider time, HttpContext http, CancellationToken ct)
    {
        if (AccessFacts.From(http.User).UserId is not { } userId)
        {
            return NoPersonProblem();
        }
        return await CatalogStars.SetAsync(db, userId, new EntityRef(kind, ns, name), starred, time.GetUtcNow(), ct) switch
        {
            CatalogStars.Outcome.NoSuchEntity => TypedResults.NotFound(),
            CatalogStars.Outcome.TooMany => TypedResults.Problem(statusCode: 400, title: "Too many stars",
                detail: $"A person can star at most {CatalogStars.MaxPerPerson} entities; unstar one first."),
            _ => TypedResults.NoContent(),
        };
    }

    private static ProblemHttpResult NoPersonProblem() => TypedResults.Problem(statusCode: 400, title: "Stars belong to a person",
        detail: "This token acts for no person (a service token); stars are kept per person. Use a personal token or sign in.");

    private static async Task<Results<Ok<JsonObject>, NotFound>> GetEntityAsync(string kind, string ns, string name, PortalDbContext db, CancellationToken ct)
    {
        var entity = await FindAsync(db, kind, ns, name, ct);
        return entity is null ? TypedResults.NotFound() : TypedResults.Ok(await WithRelationsAsync(db, entity, ct));
    }

    private static async Task<Results<ContentHttpResult, NotFound>> GetEntityYamlAsync(string kind, string ns, string name, PortalDbContext db, CancellationToken ct)
    {
        var entity = await FindAsync(db, kind, ns, name, ct);
        return entity is null
            ? TypedResults.NotFound()
            : TypedResults.Text(DescriptorYaml.ToYaml(JsonNode.Parse(entity.Document.RootElement.GetRawText())!.AsObject()), "application/yaml");
    }

    /// <summary>Backstage's "unregister entity": only the owning team (or an admin) may remove what it owns.</summary>
    private static async Task<Results<NoContent, NotFound, ForbidHttpResult, ProblemHttpResult>> DeleteEntityAsync(string kind, string ns, string name,
        PortalDbContext db, HttpContext http, CancellationToken ct)
    {
        var key = new EntityRef(kind, ns, name).ToString();
        var entity = await db.CatalogEntities.FirstOrDefaultAsync(e => e.EntityRef == key, ct);
        if (entity is null)
        {
            return TypedResults.NotFound();
        }
        var actor = AuditActor.From(http);
        if (EntityAuthority.ApiProblem(AccessFacts.From(http.User), entity.Kind) is { } refused)
        {
            await AuditLog.WriteAsync(db, actor, "catalog.entity.delete", key, "denied", ct);
            return Refused(refused);
        }
        if (!AccessRules.CanChangeOwnedBy(AccessFacts.From(http.User), entity.Owner))
        {
            await AuditLog.WriteAsync(db, actor, "catalog.entity.delete", key, "denied", ct);
            return TypedResults.Forbid();
        }
        db.CatalogEntities.Remove(entity);
        AuditLog.Record(db, actor, "catalog.entity.delete", key, before: new { entity.Kind, entity.Name, entity.Owner });
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }

    private static Ok<ValidationResult> Validate(JsonObject entity)
    {
        var errors = EntityValidator.Validate(entity);
        return TypedResults.Ok(new ValidationResult(errors.Count == 0, errors));
    }

    private static async Task<Ok<List<LocationView>>> ListLocationsAsync(PortalDbContext db, CancellationToken ct) =>
        TypedResults.Ok((await db.CatalogLocations.AsNoTracking().OrderBy(l => l.Type).ThenBy(l => l.Target).ToListAsync(ct)).Select(LocationView.From).ToList());

    private static async Task<Results<Ok<LocationView>, NotFound>> GetLocationAsync(Guid id, PortalDbContext db, CancellationToken ct) =>
        await db.CatalogLocations.AsNoTracking().FirstOrDefaultAsync(l => l.Id == id, ct) is { } l ? TypedResults.Ok(LocationView.From(l)) : TypedResults.NotFound();

    private static async Task<Results<NoContent, NotFound>> DeleteLocationAsync(Guid id, PortalDbContext db, HttpContext http, CancellationToken ct)
    {
        var location = await db.CatalogLocations.FirstOrDefaultAsync(l => l.Id == id, ct);
        if (location is null)
        {
            return TypedResults.NotFound();
        }
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await CatalogIngestion.DeleteLocationAsync(db, location, ct);
        AuditLog.Record(db, AuditActor.From(http), "catalog.location.delete", location.Key, before: LocationView.From(location));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<LocationView>, NotFound>> RefreshLocationAsync(Guid id, PortalDbContext db, LocationReader reader,
        IOptions<CatalogOptions> options, TimeProvider time, HttpContext http, CancellationToken ct)
    {
        if (!await db.CatalogLocations.AnyAsync(l => l.Id == id, ct))
        {
            return TypedResults.NotFound();
        }
        await CatalogIngestion.RefreshAsync(db, reader, id, options.Value, time, ct);
        // Deleted while it refreshed: as if it had not been there.
        var location = await db.CatalogLocations.AsNoTracking().FirstOrDefaultAsync(l => l.Id == id, ct);
        if (location is null)
        {
            return TypedResults.NotFound();
        }
        AuditLog.Record(db, AuditActor.From(http), "catalog.location.refresh", location.Key);
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(LocationView.From(location));
    }

    private static async Task<Results<Ok<CatalogPage>, ValidationProblem>> QueryAsync(
        [FromQuery(Name = "filter")] string[]? filter, string? fullText, string? fullTextFilterTerm, [FromQuery(Name = "fields")] string[]? fields,
        [FromQuery(Name = "fullTextFilterFields")] string[]? fullTextFilterFields, string? orderField, int? limit, string? cursor, PortalDbContext db, CatalogSearchIndex index, CancellationToken ct)
    {
        try
        {
            var page = await CatalogSearch.QueryAsync(db, new CatalogQuery(filter ?? [], fullText ?? fullTextFilterTerm, orderField, limit ?? 50, cursor, fields,
                FullTextFields: fullTextFilterFields), ct, index);
            return TypedResults.Ok(page);
        }
        catch (CatalogQueryException ex)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["query"] = [ex.Message] });
        }
    }

    private static async Task<Results<Ok<Dictionary<string, Dictionary<string, IReadOnlyList<FacetValue>>>>, ValidationProblem>> FacetsAsync(
        [FromQuery(Name = "facet")] string[]? facet, [FromQuery(Name = "filter")] string[]? filter, string? fullText, PortalDbContext db, CatalogSearchIndex index, CancellationToken ct)
    {
        if (facet is null || facet.Length == 0)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["facet"] = ["Name at least one facet, e.g. facet=spec.type."] });
        }
        try
        {
            var result = new Dictionary<string, IReadOnlyList<FacetValue>>(StringComparer.Ordinal);
            foreach (var f in facet.Distinct(StringComparer.Ordinal))
            {
                result[f] = await CatalogSearch.FacetAsync(db, f, filter ?? [], fullText, ct, index);
            }
            return TypedResults.Ok(new Dictionary<string, Dictionary<string, IReadOnlyList<FacetValue>>> { ["facets"] = result });
        }
        catch (CatalogQueryException ex)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["filter"] = [ex.Message] });
        }
    }

    private static async Task<Results<Created<RegisterLocationResult>, Conflict<RegisterLocationResult>, ValidationProblem>> RegisterLocationAsync(
        RegisterLocationRequest request, bool? dryRun, PortalDbContext db, LocationReader reader, IOptions<CatalogOptions> options, TimeProvider time,
        HttpContext http, CancellationToken ct)
    {
        var actor = AuditActor.From(http);
        var outcome = await CatalogLocations.RegisterAsync(db, reader, options.Value, time, actor, LocationRegistrant.From(actor, AccessFacts.From(http.User)),
            request, dryRun == true, ct);
        return outcome switch
        {
            { Errors: { Count: > 0 } errors } => TypedResults.ValidationProblem(errors),
            { Conflict: true } => TypedResults.Conflict(outcome.Result!),
            // As Backstage's addLocation: 201 for a dry run too, with nothing stored (location: null) and no Location header.
            { Result.Location: null } => TypedResults.Created((string?)null, outcome.Result!),
            _ => TypedResults.Created($"/api/catalog/locations/{outcome.Result!.Location!.Id}", outcome.Result!),
        };
    }

    private static async Task<Results<Ok<JsonObject>, Created<JsonObject>, ValidationProblem, ForbidHttpResult, ProblemHttpResult>> UpsertEntityAsync(
        JsonObject entity, PortalDbContext db, HttpContext http, TimeProvider time, CancellationToken ct)
    {
        var errors = EntityValidator.Validate(entity);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["entity"] = errors.ToArray() });
        }
        var now = time.GetUtcNow();
        var fresh = CatalogEntityMapper.ToEntity(JsonDocument.Parse(entity.ToJsonString()), now);
        var who = AccessFacts.From(http.User);
        var existing = await db.CatalogEntities.FirstOrDefaultAsync(e => e.EntityRef == fresh.EntityRef, ct);
        var actor = AuditActor.From(http);
        // People and teams are authority, not data: a member who could write them could join any team.
        if ((EntityAuthority.ApiProblem(who, fresh.Kind) ?? (existing is null ? null : EntityAuthority.ApiProblem(who, existing.Kind))) is { } refused)
        {
            await AuditLog.WriteAsync(db, actor, "catalog.entity.upsert", fresh.EntityRef, "denied", ct);
            return Refused(refused);
        }
        // Only the owning team creates or changes an entity, and a team cannot hand over what another team owns.
        if (!AccessRules.CanChangeOwnedBy(who, fresh.Owner) || (existing is not null && !AccessRules.CanChangeOwnedBy(who, existing.Owner)))
        {
            await AuditLog.WriteAsync(db, actor, "catalog.entity.upsert", fresh.EntityRef, "denied", ct);
            return TypedResults.Forbid();
        }
        if (existing?.LocationId is not null)
        {
            return TypedResults.Problem($"{fresh.EntityRef} is managed by a location; change its catalog-info.yaml instead.",
                statusCode: StatusCodes.Status409Conflict, title: "Managed by a location");
        }
        var relations = EntityRelations.Compute(fresh.EntityRef, fresh.Namespace, entity, []);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (existing is null)
        {
            fresh.TrustedForIdentity = who.IsAdmin;
            db.CatalogEntities.Add(fresh);
            AuditLog.Record(db, actor, "catalog.entity.create", fresh.EntityRef, after: entity);
        }
        else
        {
            AuditLog.Record(db, actor, "catalog.entity.update", fresh.EntityRef, before: JsonNode.Parse(existing.Document.RootElement.GetRawText()), after: entity);
            CatalogEntityMapper.CopyInto(existing, fresh);
            existing.TrustedForIdentity = who.IsAdmin;
        }
        await db.CatalogRelations.Where(r => r.OriginRef == fresh.EntityRef).ExecuteDeleteAsync(ct);
        db.CatalogRelations.AddRange(relations.Select(r => new CatalogRelation { SourceRef = r.SourceRef, Type = r.Type, TargetRef = r.TargetRef, OriginRef = fresh.EntityRef }));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        var saved = await db.CatalogEntities.AsNoTracking().FirstAsync(e => e.EntityRef == fresh.EntityRef, ct);
        var body = await WithRelationsAsync(db, saved, ct);
        return existing is null ? TypedResults.Created($"/api/catalog/entities/by-name/{fresh.Kind}/{fresh.Namespace}/{fresh.Name}", body) : TypedResults.Ok(body);
    }

    /// <summary>A 403 that says why, for refusals a person can act on (unlike a bare Forbid).</summary>
    private static ProblemHttpResult Refused(string reason) =>
        TypedResults.Problem(title: "Not allowed.", detail: reason, statusCode: StatusCodes.Status403Forbidden);

    private static Task<CatalogEntity?> FindAsync(PortalDbContext db, string kind, string ns, string name, CancellationToken ct)
    {
        var key = new EntityRef(kind, ns, name).ToString();
        return db.CatalogEntities.AsNoTracking().FirstOrDefaultAsync(e => e.EntityRef == key, ct);
    }

    private static async Task<JsonObject> WithRelationsAsync(PortalDbContext db, CatalogEntity entity, CancellationToken ct)
    {
        var relations = await db.CatalogRelations.AsNoTracking().Where(r => r.SourceRef == entity.EntityRef)
            .Select(r => new { r.Type, r.TargetRef }).Distinct().ToListAsync(ct);
        return CatalogSearch.ToApiEntity(entity, relations.Select(r => (r.Type, r.TargetRef)));
    }
}
