using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;
using Portal.Web.Features.Catalog;
using Portal.Web.Features.Identity;

namespace Portal.Web.Features.Incidents;

/// <summary>
/// On-call schedules (<c>/api/oncall/schedules</c>) and maintenance windows (<c>/api/maintenance-windows</c>): read with
/// catalog read; a team's schedule and windows are changed by its members or admins, global windows by admins only.
/// </summary>
public static class OnCallEndpoints
{
    public static void MapOnCallEndpoints(this WebApplication app)
    {
        var schedules = app.MapGroup("/api/oncall/schedules").WithTags("Incidents").RequireAuthorization(PortalPolicies.CatalogRead);
        schedules.MapGet("/", ListSchedulesAsync)
            .WithName("ListOnCallSchedules").WithSummary("List on-call schedules").WithDescription("Every schedule with its layers and who is on call in each layer now, until the next handoff.");
        schedules.MapGet("/{name}", GetScheduleAsync)
            .WithName("GetOnCallSchedule").WithSummary("Get an on-call schedule").WithDescription("The schedule with its layers and who is on call now.");
        schedules.MapPut("/{name}", PutScheduleAsync).RequireAuthorization(PortalPolicies.CatalogWrite)
            .WithName("SaveOnCallSchedule").WithSummary("Create or replace an on-call schedule")
            .WithDescription("A member of the team (the schedule's, and the new one's when it moves) or an admin. Layers are paged in order; each rotates its users every `handoffHours` from `rotationStart` and escalates to the next after `escalateAfterMinutes` without acknowledgement.");
        schedules.MapGet("/{name}/yaml", ExportScheduleAsync)
            .Produces<string>(StatusCodes.Status200OK, "application/yaml")
            .WithName("ExportOnCallSchedule").WithSummary("Export an on-call schedule as YAML")
            .WithDescription("The schedule's team, layers and overrides as YAML, in the shape `PUT /api/oncall/schedules/{name}/yaml` imports.");
        schedules.MapPut("/{name}/yaml", ImportScheduleAsync).RequireAuthorization(PortalPolicies.CatalogWrite)
            .Accepts<string>("application/yaml", "text/yaml", "text/plain")
            .WithName("ImportOnCallSchedule").WithSummary("Create or replace an on-call schedule from YAML")
            .WithDescription("The body is the YAML that the export gives (at most 64 KiB). YAML that cannot be read is a 400 naming the line and column; the schedule is then checked and authorized as `PUT /api/oncall/schedules/{name}`: only for the caller's own teams, admins for any.");
        schedules.MapDelete("/{name}", DeleteScheduleAsync).RequireAuthorization(PortalPolicies.CatalogWrite)
            .WithName("DeleteOnCallSchedule").WithSummary("Delete an on-call schedule").WithDescription("A member of the schedule's team or an admin.");

        var windows = app.MapGroup("/api/maintenance-windows").WithTags("Incidents").RequireAuthorization(PortalPolicies.CatalogRead);
        windows.MapGet("/", ListWindowsAsync)
            .WithName("ListMaintenanceWindows").WithSummary("List maintenance windows").WithDescription("Windows not yet over (`all=true`: the newest 500 of every kind), soonest first.");
        windows.MapPost("/", CreateWindowAsync).RequireAuthorization(PortalPolicies.CatalogWrite)
            .WithName("CreateMaintenanceWindow").WithSummary("Start or schedule a maintenance window")
            .WithDescription("For a `component`, a `team`, or neither (global, admins only). No `startsAt`: it starts now; `endsAt` or `minutes` (at most 31 days). Alerts inside are recorded but not routed and open no incident.");
        windows.MapPost("/{id:guid}/end", EndWindowAsync).RequireAuthorization(PortalPolicies.CatalogWrite)
            .WithName("EndMaintenanceWindow").WithSummary("End a maintenance window now").WithDescription("Whoever may create it; a window that has not started is cancelled.");
    }

    private static async Task<Ok<List<OnCallScheduleView>>> ListSchedulesAsync(PortalDbContext db, TimeProvider time, CancellationToken ct) =>
        TypedResults.Ok(await OnCallQueries.ListAsync(db, time.GetUtcNow(), ct));

    private static async Task<Results<Ok<OnCallScheduleView>, NotFound>> GetScheduleAsync(string name, PortalDbContext db, TimeProvider time, CancellationToken ct) =>
        await db.Set<OnCallSchedule>().AsNoTracking().FirstOrDefaultAsync(s => s.Name == name, ct) is { } schedule
            ? TypedResults.Ok(OnCallQueries.ToView(schedule, time.GetUtcNow()))
            : TypedResults.NotFound();

    private static async Task<Results<Ok<OnCallScheduleView>, ValidationProblem, ForbidHttpResult>> PutScheduleAsync(string name, OnCallScheduleRequest? request,
        PortalDbContext db, TimeProvider time, HttpContext http, CancellationToken ct) =>
        await SaveScheduleAsync(name, request ?? new OnCallScheduleRequest(null, null), [], db, time, http, ct);

    private static async Task<Results<ContentHttpResult, NotFound>> ExportScheduleAsync(string name, PortalDbContext db, CancellationToken ct) =>
        await db.Set<OnCallSchedule>().AsNoTracking().FirstOrDefaultAsync(s => s.Name == name, ct) is { } schedule
            ? TypedResults.Text(OnCallScheduleYaml.Export(schedule), "application/yaml; charset=utf-8")
            : TypedResults.NotFound();

    private static async Task<Results<Ok<OnCallScheduleView>, ValidationProblem, ForbidHttpResult>> ImportScheduleAsync(string name, PortalDbContext db,
        TimeProvider time, HttpContext http, CancellationToken ct)
    {
        // Read at most one byte past the limit: enough to know it is too big, without holding a huge body.
        var buffer = new byte[OnCallScheduleYaml.MaxBytes + 1];
        var read = 0;
        int got;
        while (read < buffer.Length && (got = await http.Request.Body.ReadAsync(buffer.AsMemory(read), ct)) > 0)
        {
            read += got;
        }
        if (read > OnCallScheduleYaml.MaxBytes)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["yaml"] = [$"The YAML is over {OnCallScheduleYaml.MaxBytes / 1024} KiB."] });
        }
        string text;
        try
        {
            text = new System.Text.UTF8Encoding(false, throwOnInvalidBytes: true).GetString(buffer, 0, read);
        }
        catch (System.Text.DecoderFallbackException)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["yaml"] = ["The YAML must be UTF-8 text."] });
        }
        var (request, problems) = OnCallScheduleYaml.Import(text);
        return request is null ? TypedResults.ValidationProblem(problems) : await SaveScheduleAsync(name, request, problems, db, time, http, ct);
    }

    /// <summary>Checks, authorizes and saves a schedule, as sent in JSON or read from YAML (with the problems the reading found).</summary>
    private static async Task<Results<Ok<OnCallScheduleView>, ValidationProblem, ForbidHttpResult>> SaveScheduleAsync(string name, OnCallScheduleRequest request,
        Dictionary<string, string[]> found, PortalDbContext db, TimeProvider time, HttpContext http, CancellationToken ct)
    {
        var problems = OnCallRotation.Problems(name, request);
        foreach (var (field, messages) in found)
        {
            problems[field] = messages; // the reader's reason (not ISO 8601) says more than "missing"
        }
        var team = request.Team?.Trim().ToLowerInvariant();
        if (team is not null && !problems.ContainsKey("team") && !await CatalogReads.ExistsAsync(db, team, CatalogKinds.Group, ct))
        {
            problems["team"] = [$"There is no group {team} in the catalog."];
        }
        if (problems.Count > 0)
        {
            return TypedResults.ValidationProblem(problems);
        }
        var existing = await db.Set<OnCallSchedule>().FirstOrDefaultAsync(s => s.Name == name, ct);
        var who = AccessFacts.From(http.User);
        var actor = AuditActor.From(http);
        if (!AccessRules.CanChangeOwnedBy(who, team) || existing is not null && !AccessRules.CanChangeOwnedBy(who, existing.Team))
        {
            AuditLog.Record(db, actor, "oncall.schedule.saved", name, "denied");
            await db.SaveChangesAsync(ct);
            return TypedResults.Forbid();
        }
        var before = existing is null ? null : new { existing.Team, existing.Layers };
        existing ??= db.Add(new OnCallSchedule { Name = name, Team = team!, UpdatedBy = "" }).Entity;
        existing.Team = team!;
        existing.Layers = OnCallRotation.Layers(request);
        existing.UpdatedAt = time.GetUtcNow();
        existing.UpdatedBy = http.User.Identity?.Name ?? actor.Name;
        AuditLog.Record(db, actor, "oncall.schedule.saved", name, before: before, after: new { existing.Team, existing.Layers });
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(OnCallQueries.ToView(existing, time.GetUtcNow()));
    }

    private static async Task<Results<NoContent, NotFound, ForbidHttpResult>> DeleteScheduleAsync(string name, PortalDbContext db, HttpContext http, CancellationToken ct)
    {
        var schedule = await db.Set<OnCallSchedule>().FirstOrDefaultAsync(s => s.Name == name, ct);
        if (schedule is null)
        {
            return TypedResults.NotFound();
        }
        var actor = AuditActor.From(http);
        if (!AccessRules.CanChangeOwnedBy(AccessFacts.From(http.User), schedule.Team))
        {
            AuditLog.Record(db, actor, "oncall.schedule.deleted", name, "denied");
            await db.SaveChangesAsync(ct);
            return TypedResults.Forbid();
        }
        db.Remove(schedule);
        AuditLog.Record(db, actor, "oncall.schedule.deleted", name, before: new { schedule.Team, schedule.Layers });
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<List<MaintenanceWindow>>> ListWindowsAsync(bool? all, PortalDbContext db, TimeProvider time, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var query = db.Set<MaintenanceWindow>().AsNoTracking();
        return TypedResults.Ok(all == true
            ? await query.OrderByDescending(w => w.StartsAt).Take(500).ToListAsync(ct)
            : await query.Where(w => w.EndsAt > now).OrderBy(w => w.StartsAt).Take(500).ToListAsync(ct));
    }

    private static async Task<Results<Created<MaintenanceWindow>, ValidationProblem, ForbidHttpResult>> CreateWindowAsync(MaintenanceRequest? request,
        PortalDbContext db, TimeProvider time, HttpContext http, CancellationToken ct)
    {
        request ??= new MaintenanceRequest(null, null, null, null, null, null);
        var now = time.GetUtcNow();
        var startsAt = request.StartsAt ?? now;
        var problems = new Dictionary<string, string[]>();
        if (request.EndsAt is null == request.Minutes is null || request.Minutes is < 1 or > 44_640)
        {
            problems["endsAt"] = ["Give endsAt or minutes (1-44640), one of them."];
        }
        var endsAt = request.EndsAt ?? startsAt.AddMinutes(Math.Clamp(request.Minutes ?? 1, 1, 44_640));
        foreach (var (field, messages) in MaintenanceRules.Problems(request, startsAt, endsAt, now))
        {
            problems.TryAdd(field, messages);
        }
        string? component = null;
        if (request.Component is not null && !problems.ContainsKey("component"))
        {
            try
            {
                component = EntityRef.Parse(request.Component, defaultKind: "component").ToString();
                if (!await CatalogReads.ExistsAsync(db, component, CatalogKinds.Component, ct))
                {
                    problems["component"] = [$"There is no component {component} in the catalog."];
                }
            }
            catch (FormatException ex)
            {
                problems["component"] = [ex.Message];
            }
        }
        var team = request.Team?.Trim().ToLowerInvariant();
        if (team is not null && !problems.ContainsKey("team") && !await CatalogReads.ExistsAsync(db, team, CatalogKinds.Group, ct))
        {
            problems["team"] = [$"There is no group {team} in the catalog."];
        }
        if (problems.Count > 0)
        {
            return TypedResults.ValidationProblem(problems);
        }
        var window = new MaintenanceWindow
        {
            ComponentRef = component, Team = team, StartsAt = startsAt, EndsAt = endsAt, Reason = request.Reason!.Trim(),
            CreatedBy = http.User.Identity?.Name ?? "", CreatedAt = now,
        };
        var actor = AuditActor.From(http);
        if (!await MayChangeAsync(db, http, window, ct))
        {
            AuditLog.Record(db, actor, "maintenance.created", component ?? team ?? "global", "denied");
            await db.SaveChangesAsync(ct);
            return TypedResults.Forbid();
        }
        db.Add(window);
        AuditLog.Record(db, actor, "maintenance.created", window.Id.ToString(), after: new { component, team, startsAt, endsAt, window.Reason });
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/maintenance-windows/{window.Id}", window);
    }

    private static async Task<Results<Ok<MaintenanceWindow>, NotFound, ForbidHttpResult>> EndWindowAsync(Guid id, PortalDbContext db, TimeProvider time,
        HttpContext http, CancellationToken ct)
    {
        var window = await db.Set<MaintenanceWindow>().FirstOrDefaultAsync(w => w.Id == id, ct);
        if (window is null)
        {
            return TypedResults.NotFound();
        }
        var actor = AuditActor.From(http);
        if (!await MayChangeAsync(db, http, window, ct))
        {
            AuditLog.Record(db, actor, "maintenance.ended", id.ToString(), "denied");
            await db.SaveChangesAsync(ct);
            return TypedResults.Forbid();
        }
        var now = time.GetUtcNow();
        if (window.EndsAt > now)
        {
            window.EndsAt = now < window.StartsAt ? window.StartsAt : now; // not started: cancelled (an empty window)
            AuditLog.Record(db, actor, "maintenance.ended", id.ToString());
            await db.SaveChangesAsync(ct);
        }
        return TypedResults.Ok(window);
    }

    /// <summary>A component's window: its owning team (from the catalog); a team's: that team; global: admins.</summary>
    private static async Task<bool> MayChangeAsync(PortalDbContext db, HttpContext http, MaintenanceWindow window, CancellationToken ct)
    {
        var who = AccessFacts.From(http.User);
        return window.ComponentRef is not null ? AccessRules.CanChangeOwnedBy(who, await CatalogReads.OwnerOfAsync(db, window.ComponentRef, ct))
            : window.Team is not null ? AccessRules.CanChangeOwnedBy(who, window.Team)
            : AccessRules.CanAdminister(who);
    }
}
