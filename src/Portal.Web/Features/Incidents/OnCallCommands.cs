using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;
using Portal.Web.Features.Catalog;
using Portal.Web.Features.Identity;

namespace Portal.Web.Features.Incidents;

/// <summary>What became of a schedule command: saved (with the view), invalid (with the problems by field), refused, or no such schedule/override.</summary>
public enum OnCallOutcome
{
    Saved,
    Invalid,
    Forbidden,
    NotFound,
}

/// <summary>The result of a schedule command; <see cref="View"/> when saved, <see cref="Problems"/> when invalid.</summary>
public sealed record OnCallResult(OnCallOutcome Outcome, OnCallScheduleView? View, Dictionary<string, string[]> Problems)
{
    public static OnCallResult NotFound { get; } = new(OnCallOutcome.NotFound, null, []);
}

/// <summary>
/// The schedule changes the API and the schedule page both make, with the same rules: the checks of
/// <see cref="OnCallRotation.Problems"/>, only members of the schedule's team (and of the new team when it moves) or admins,
/// audited (refusals too). An override added or removed saves the whole schedule through the same path, so its limits
/// (100 per layer, 90 days each) read the same on the page as in the API.
/// </summary>
public static class OnCallCommands
{
    /// <summary>Checks, authorizes and saves a schedule, as sent in JSON or read from YAML (with the problems the reading found).</summary>
    public static async Task<OnCallResult> SaveAsync(PortalDbContext db, ClaimsPrincipal user, AuditActor actor, DateTimeOffset now, string name,
        OnCallScheduleRequest request, Dictionary<string, string[]> found, CancellationToken ct)
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
            return new OnCallResult(OnCallOutcome.Invalid, null, problems);
        }
        var existing = await db.Set<OnCallSchedule>().FirstOrDefaultAsync(s => s.Name == name, ct);
        var who = AccessFacts.From(user);
        if (!AccessRules.CanChangeOwnedBy(who, team) || existing is not null && !AccessRules.CanChangeOwnedBy(who, existing.Team))
        {
            AuditLog.Record(db, actor, "oncall.schedule.saved", name, "denied");
            await db.SaveChangesAsync(ct);
            return new OnCallResult(OnCallOutcome.Forbidden, null, []);
        }
        var before = existing is null ? null : new { existing.Team, existing.Layers };
        existing ??= db.Add(new OnCallSchedule { Name = name, Team = team!, UpdatedBy = "" }).Entity;
        existing.Team = team!;
        existing.Layers = OnCallRotation.Layers(request);
        existing.UpdatedAt = now;
        existing.UpdatedBy = user.Identity?.Name ?? actor.Name;
        AuditLog.Record(db, actor, "oncall.schedule.saved", name, before: before, after: new { existing.Team, existing.Layers });
        await db.SaveChangesAsync(ct);
        return new OnCallResult(OnCallOutcome.Saved, OnCallQueries.ToView(existing, now), []);
    }

    /// <summary>Reads YAML (as the export writes it) and saves it as <see cref="SaveAsync"/> does; unreadable YAML is a problem naming its line and column.</summary>
    public static async Task<OnCallResult> ImportAsync(PortalDbContext db, ClaimsPrincipal user, AuditActor actor, DateTimeOffset now, string name,
        string yaml, CancellationToken ct)
    {
        if (System.Text.Encoding.UTF8.GetByteCount(yaml) > OnCallScheduleYaml.MaxBytes)
        {
            return new OnCallResult(OnCallOutcome.Invalid, null, new() { ["yaml"] = [$"The YAML is over {OnCallScheduleYaml.MaxBytes / 1024} KiB."] });
        }
        var (request, problems) = OnCallScheduleYaml.Import(yaml);
        return request is null ? new OnCallResult(OnCallOutcome.Invalid, null, problems) : await SaveAsync(db, user, actor, now, name, request, problems, ct);
    }

    /// <summary>Adds an override to a layer (0-based) of an existing schedule.</summary>
    public static async Task<OnCallResult> AddOverrideAsync(PortalDbContext db, ClaimsPrincipal user, AuditActor actor, DateTimeOffset now, string name,
        int layer, OnCallOverrideRequest cover, CancellationToken ct)
    {
        var schedule = await db.Set<OnCallSchedule>().AsNoTracking().FirstOrDefaultAsync(s => s.Name == name, ct);
        if (schedule is null || layer < 0 || layer >= schedule.Layers.Count)
        {
            return OnCallResult.NotFound;
        }
        var request = OnCallRotation.Request(schedule);
        request.Layers![layer] = request.Layers[layer]! with { Overrides = [.. request.Layers[layer]!.Overrides ?? [], cover] };
        return await SaveAsync(db, user, actor, now, name, request, [], ct);
    }

    /// <summary>Removes an override from a layer; it is named by its value, so a list that changed meanwhile cannot remove another one.</summary>
    public static async Task<OnCallResult> RemoveOverrideAsync(PortalDbContext db, ClaimsPrincipal user, AuditActor actor, DateTimeOffset now, string name,
        int layer, OnCallOverride cover, CancellationToken ct)
    {
        var schedule = await db.Set<OnCallSchedule>().AsNoTracking().FirstOrDefaultAsync(s => s.Name == name, ct);
        if (schedule is null || layer < 0 || layer >= schedule.Layers.Count || !(schedule.Layers[layer].Overrides ?? []).Contains(cover))
        {
            return OnCallResult.NotFound;
        }
        var request = OnCallRotation.Request(schedule);
        var remaining = (schedule.Layers[layer].Overrides ?? []).Where(o => o != cover)
            .Select(o => (OnCallOverrideRequest?)new OnCallOverrideRequest(o.User, o.StartsAt, o.EndsAt)).ToList();
        request.Layers![layer] = request.Layers[layer]! with { Overrides = remaining };
        return await SaveAsync(db, user, actor, now, name, request, [], ct);
    }

    /// <summary>Whether the person may change the schedule (its team's members and admins, with a token that may write): the page shows it read-only otherwise.</summary>
    public static bool MayChange(ClaimsPrincipal user, OnCallScheduleView schedule)
    {
        var who = AccessFacts.From(user);
        return AccessRules.HasScope(who, PortalScopes.CatalogWrite) && AccessRules.CanChangeOwnedBy(who, schedule.Team);
    }
}
