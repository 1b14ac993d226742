using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;
using Portal.Web.Features.Catalog;
using Portal.Web.Features.Identity;

namespace Portal.Web.Features.Incidents;

/// <summary>The incident API under <c>/api/incidents</c>: read with catalog read; act (acknowledge, mitigate, resolve) as the component's team or an admin.</summary>
public static class IncidentEndpoints
{
    public static void MapIncidentEndpoints(this WebApplication app)
    {
        var api = app.MapGroup("/api/incidents").WithTags("Incidents").RequireAuthorization(PortalPolicies.CatalogRead);
        api.MapGet("/", ListAsync)
            .WithName("ListIncidents").WithSummary("List incidents").WithDescription("Incidents, newest first, optionally of one `status` (triggered, acknowledged, mitigated, resolved).");
        api.MapGet("/{id:guid}", GetAsync)
            .WithName("GetIncident").WithSummary("Get an incident").WithDescription("The incident with its timeline, runbook and times to acknowledge and resolve.");
        api.MapPost("/{id:guid}/acknowledge", AcknowledgeAsync).RequireAuthorization(PortalPolicies.CatalogWrite)
            .WithName("AcknowledgeIncident").WithSummary("Acknowledge an incident").WithDescription("The component's team or an admin; records the time to acknowledge and notifies the receivers. 409 when the incident is past that.");
        api.MapPost("/{id:guid}/mitigate", MitigateAsync).RequireAuthorization(PortalPolicies.CatalogWrite)
            .WithName("MitigateIncident").WithSummary("Mark an incident mitigated").WithDescription("The component's team or an admin. 409 when the incident is past that.");
        api.MapPost("/{id:guid}/resolve", ResolveAsync).RequireAuthorization(PortalPolicies.CatalogWrite)
            .WithName("ResolveIncident").WithSummary("Resolve an incident").WithDescription("The component's team or an admin; records the time to resolve and notifies the receivers. 409 when it is resolved already.");
    }

    private static async Task<Results<Ok<List<IncidentView>>, ValidationProblem>> ListAsync(string? status, PortalDbContext db, CancellationToken ct)
    {
        if (status is not null && !IncidentLifecycle.Order.Contains(status))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["status"] = [$"status is one of {string.Join(", ", IncidentLifecycle.Order)}."] });
        }
        return TypedResults.Ok(await IncidentQueries.ListAsync(db, status, ct));
    }

    private static async Task<Results<Ok<IncidentView>, NotFound>> GetAsync(Guid id, PortalDbContext db, CancellationToken ct) =>
        await IncidentQueries.GetAsync(db, id, ct) is { } view ? TypedResults.Ok(view) : TypedResults.NotFound();

    private static Task<Results<Ok<IncidentView>, NotFound, ForbidHttpResult, Conflict<ProblemDetailsBody>>> AcknowledgeAsync(Guid id, PortalDbContext db,
        IncidentNotifier notifier, TimeProvider time, HttpContext http, CancellationToken ct) =>
        MoveAsync(id, IncidentLifecycle.Acknowledged, "acknowledge", db, notifier, time, http, ct);

    private static Task<Results<Ok<IncidentView>, NotFound, ForbidHttpResult, Conflict<ProblemDetailsBody>>> MitigateAsync(Guid id, PortalDbContext db,
        IncidentNotifier notifier, TimeProvider time, HttpContext http, CancellationToken ct) =>
        MoveAsync(id, IncidentLifecycle.Mitigated, null, db, notifier, time, http, ct);

    private static Task<Results<Ok<IncidentView>, NotFound, ForbidHttpResult, Conflict<ProblemDetailsBody>>> ResolveAsync(Guid id, PortalDbContext db,
        IncidentNotifier notifier, TimeProvider time, HttpContext http, CancellationToken ct) =>
        MoveAsync(id, IncidentLifecycle.Resolved, "resolve", db, notifier, time, http, ct);

    /// <summary>One status change: the team's or an admin's, forward only, audited, and sent to the receivers (PagerDuty's acknowledge/resolve).</summary>
    private static async Task<Results<Ok<IncidentView>, NotFound, ForbidHttpResult, Conflict<ProblemDetailsBody>>> MoveAsync(Guid id, string to, string? action,
        PortalDbContext db, IncidentNotifier notifier, TimeProvider time, HttpContext http, CancellationToken ct)
    {
        var incident = await db.Set<Incident>().FirstOrDefaultAsync(i => i.Id == id, ct);
        if (incident is null)
        {
            return TypedResults.NotFound();
        }
        var actor = AuditActor.From(http);
        if (!await IncidentQueries.MayActAsync(db, http.User, incident.ComponentRef, ct))
        {
            AuditLog.Record(db, actor, $"incident.{to}", id.ToString(), "denied");
            await db.SaveChangesAsync(ct);
            return TypedResults.Forbid();
        }
        if (IncidentLifecycle.Problem(incident, to) is { } problem)
        {
            return TypedResults.Conflict(new ProblemDetailsBody("The incident cannot move there.", problem));
        }
        // The person, without the token id the audit entry carries.
        db.Add(IncidentLifecycle.Move(incident, to, http.User.Identity?.Name ?? actor.Name, time.GetUtcNow()));
        AuditLog.Record(db, actor, $"incident.{to}", id.ToString());
        await db.SaveChangesAsync(ct);
        if (action is not null)
        {
            var owner = await CatalogReads.OwnerOfAsync(db, incident.ComponentRef, ct);
            await notifier.SendAsync(new IncidentMessage(action, incident, owner, incident.Title, null, new Dictionary<string, string>(),
                notifier.Link($"/api/incidents/{incident.Id}")), ct);
        }
        return TypedResults.Ok((await IncidentQueries.GetAsync(db, id, ct))!);
    }
}

/// <summary>A refusal's title and detail (RFC 9457 fields).</summary>
public sealed record ProblemDetailsBody(string Title, string Detail);
