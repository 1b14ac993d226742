using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Web.Data;
using Portal.Web.Features.Catalog;
using Portal.Web.Features.Identity;

namespace Portal.Web.Features.Incidents;

/// <summary>
/// On-call schedules (<c>/api/oncall/schedules</c>), people's contacts (<c>/api/oncall/contacts</c>) and maintenance windows (<c>/api/maintenance-windows</c>): read with
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
        schedules.MapPost("/{name}/layers/{layer:int}/overrides", AddOverrideAsync).RequireAuthorization(PortalPolicies.CatalogWrite)
            .WithName("AddOnCallOverride").WithSummary("Add an override to a schedule's layer")
            .WithDescription("`user` covers the layer (0 is the first) from `startsAt` up to `endsAt` (ISO 8601 with offset, at most 90 days; at most 100 overrides per layer). A member of the schedule's team or an admin; the whole schedule is checked as `PUT /api/oncall/schedules/{name}` does.");
        schedules.MapDelete("/{name}/layers/{layer:int}/overrides/{index:int}", RemoveOverrideAsync).RequireAuthorization(PortalPolicies.CatalogWrite)
            .WithName("RemoveOnCallOverride").WithSummary("Remove an override from a schedule's layer")
            .WithDescription("`index` is the override's position in the layer's `overrides` as the schedule lists them (by start). A member of the schedule's team or an admin.");
        schedules.MapDelete("/{name}", DeleteScheduleAsync).RequireAuthorization(PortalPolicies.CatalogWrite)
            .WithName("DeleteOnCallSchedule").WithSummary("Delete an on-call schedule").WithDescription("A member of the schedule's team or an admin.");

        var contacts = app.MapGroup("/api/oncall/contacts").WithTags("Incidents").RequireAuthorization(PortalPolicies.CatalogRead);
        contacts.MapGet("/me", GetMyContactAsync)
            .WithName("GetMyOnCallContact").WithSummary("Get my on-call contact")
            .WithDescription("Where the caller is paged when on call: their e-mail (set, else the catalog profile's `email`) and their personal webhook.");
        contacts.MapGet("/{user}", GetContactAsync)
            .WithName("GetOnCallContact").WithSummary("Get a person's on-call contact")
            .WithDescription("Where the person (a user name, as schedules list them) is paged when on call. The e-mail and the webhook's format are for everyone; "
                + "the webhook's address only for the person and admins (null for others).");
        contacts.MapPut("/{user}", PutContactAsync).RequireAuthorization(PortalPolicies.CatalogWrite)
            .WithName("SaveOnCallContact").WithSummary("Set a person's on-call contact")
            .WithDescription("The person themselves, or an admin. `email` (empty: the catalog profile's), and `webhookFormat` (`slack`, `teams` or `json`) with `webhookUrl` "
                + "(https; private, link-local and loopback addresses are refused unless the portal allows them). The person on call gets the opening and each escalation of a page incident there, besides the team's receivers.");

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
        Saved(await OnCallCommands.SaveAsync(db, http.User, AuditActor.From(http), time.GetUtcNow(), name, request ?? new OnCallScheduleRequest(null, null), [], ct));

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
        return Saved(await OnCallCommands.ImportAsync(db, http.User, AuditActor.From(http), time.GetUtcNow(), name, text, ct));
    }

    private static async Task<Results<Ok<OnCallScheduleView>, ValidationProblem, ForbidHttpResult, NotFound>> AddOverrideAsync(string name, int layer,
        OnCallOverrideRequest? request, PortalDbContext db, TimeProvider time, HttpContext http, CancellationToken ct) =>
        Changed(await OnCallCommands.AddOverrideAsync(db, http.User, AuditActor.From(http), time.GetUtcNow(), name, layer,
            request ?? new OnCallOverrideRequest(null, null, null), ct));

    private static async Task<Results<Ok<OnCallScheduleView>, ValidationProblem, ForbidHttpResult, NotFound>> RemoveOverrideAsync(string name, int layer,
        int index, PortalDbContext db, TimeProvider time, HttpContext http, CancellationToken ct)
    {
        var schedule = await db.Set<OnCallSchedule>().AsNoTracking().FirstOrDefaultAsync(s => s.Name == name, ct);
        if (schedule is null || layer < 0 || layer >= schedule.Layers.Count || schedule.Layers[layer].Overrides is not { } overrides || index < 0 || index >= overrides.Count)
        {
            return TypedResults.NotFound();
        }
        return Changed(await OnCallCommands.RemoveOverrideAsync(db, http.User, AuditActor.From(http), time.GetUtcNow(), name, layer, overrides[index], ct));
    }

    private static Results<Ok<OnCallScheduleView>, ValidationProblem, ForbidHttpResult> Saved(OnCallResult result) => result.Outcome switch
    {
        OnCallOutcome.Saved => TypedResults.Ok(result.View!),
        OnCallOutcome.Forbidden => TypedResults.Forbid(),
        _ => TypedResults.ValidationProblem(result.Problems),
    };

    private static Results<Ok<OnCallScheduleView>, ValidationProblem, ForbidHttpResult, NotFound> Changed(OnCallResult result) => result.Outcome switch
    {
        OnCallOutcome.Saved => TypedResults.Ok(result.View!),
        OnCallOutcome.Forbidden => TypedResults.Forbid(),
        OnCallOutcome.NotFound => TypedResults.NotFound(),
        _ => TypedResults.ValidationProblem(result.Problems),
    };

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

    private static async Task<Results<Ok<OnCallContactView>, UnauthorizedHttpResult>> GetMyContactAsync(PortalDbContext db, HttpContext http, CancellationToken ct) =>
        http.User.Identity?.Name is { Length: > 0 } me ? TypedResults.Ok(await OnCallContactQueries.ViewAsync(db, me, ct)) : TypedResults.Unauthorized();

    private static async Task<Ok<OnCallContactView>> GetContactAsync(string user, PortalDbContext db, HttpContext http, CancellationToken ct)
    {
        var view = await OnCallContactQueries.ViewAsync(db, user.Trim(), ct);
        // A webhook address is a credential of sorts (whoever has it can post to the person's channel): only they and admins see it.
        var own = string.Equals(http.User.Identity?.Name, view.UserName, StringComparison.OrdinalIgnoreCase) || AccessRules.CanAdminister(AccessFacts.From(http.User));
        return TypedResults.Ok(own ? view : view with { WebhookUrl = null });
    }

    private static async Task<Results<Ok<OnCallContactView>, ValidationProblem, ForbidHttpResult>> PutContactAsync(string user, OnCallContactRequest? request,
        PortalDbContext db, TimeProvider time, HttpContext http, IOptions<OnCallContactsOptions> options, CancellationToken ct)
    {
        var (outcome, view, problems) = await OnCallContactCommands.SaveAsync(db, http.User, AuditActor.From(http), options.Value, time.GetUtcNow(), user,
            request ?? new OnCallContactRequest(null, null, null), ct);
        return outcome switch
        {
            OnCallOutcome.Saved => TypedResults.Ok(view!),
            OnCallOutcome.Forbidden => TypedResults.Forbid(),
            _ => TypedResults.ValidationProblem(problems),
        };
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
