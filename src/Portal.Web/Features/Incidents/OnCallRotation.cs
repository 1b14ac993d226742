using System.Text.RegularExpressions;

namespace Portal.Web.Features.Incidents;

/// <summary>
/// Who is on call and when an unacknowledged incident escalates. Pure. A layer's rotation counts whole handoffs from its
/// <see cref="OnCallLayer.RotationStart"/> (before the start, counting backwards), so the answer for any instant needs no
/// stored state and a schedule edit takes effect at once.
/// </summary>
public static partial class OnCallRotation
{
    public const int MaxLayers = 10;
    public const int MaxUsers = 50;
    public const int MaxOverrides = 100;
    public const int MaxOverrideDays = 90;

    /// <summary>
    /// The person on call in a layer at an instant, and until when: an override covering the instant wins (the one that
    /// started last, when several do) until it ends; otherwise the rotation's person until the next handoff or the next
    /// override's start, whichever is first.
    /// </summary>
    public static (string User, DateTimeOffset Until) OnCallAt(OnCallLayer layer, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(layer);
        var overrides = layer.Overrides ?? [];
        if (overrides.Where(o => o.StartsAt <= at && at < o.EndsAt).OrderByDescending(o => o.StartsAt).FirstOrDefault() is { } cover)
        {
            return (cover.User, cover.EndsAt);
        }
        var handoff = TimeSpan.FromHours(layer.HandoffHours);
        var turns = (long)Math.Floor((at - layer.RotationStart) / handoff);
        var n = layer.Users.Count;
        var index = (int)(((turns % n) + n) % n);
        var until = layer.RotationStart + handoff * (turns + 1);
        var nextOverride = overrides.Where(o => o.StartsAt > at).Select(o => (DateTimeOffset?)o.StartsAt).Min();
        return (layer.Users[index], nextOverride is { } next && next < until ? next : until);
    }

    /// <summary>
    /// The layer to page next when an incident paged at <paramref name="pagedAt"/> on <paramref name="level"/> is still
    /// only triggered at <paramref name="now"/> and that layer's delay has passed; null when nothing is due (acknowledged,
    /// not paged, the last layer paged already, or still within the delay). Idempotent: after paging, pagedAt is now.
    /// </summary>
    public static int? EscalationDue(string status, int level, DateTimeOffset? pagedAt, IReadOnlyList<OnCallLayer> layers, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(layers);
        if (status != IncidentLifecycle.Triggered || pagedAt is null || level < 0 || level + 1 >= layers.Count)
        {
            return null;
        }
        return now >= pagedAt.Value.AddMinutes(layers[level].EscalateAfterMinutes) ? level + 1 : null;
    }

    /// <summary>The problems of a schedule as sent, by field; empty when it is fine.</summary>
    public static Dictionary<string, string[]> Problems(string name, OnCallScheduleRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var problems = new Dictionary<string, string[]>();
        if (!Slug().IsMatch(name))
        {
            problems["name"] = ["name is 1-63 lower-case letters, digits and dashes, starting and ending with a letter or digit."];
        }
        if (string.IsNullOrWhiteSpace(request.Team) || !request.Team.StartsWith("group:", StringComparison.OrdinalIgnoreCase) || request.Team.Length > 400)
        {
            problems["team"] = ["team is a group ref such as group:default/payments."];
        }
        if (request.Layers is null || request.Layers.Count is 0 or > MaxLayers)
        {
            problems["layers"] = [$"layers: 1 to {MaxLayers}, tried in order."];
            return problems;
        }
        foreach (var (layer, i) in request.Layers.Select((l, i) => (l, i)))
        {
            var at = $"layers[{i}]";
            if (layer is null)
            {
                problems[at] = ["a layer is an object with name, users, rotationStart, handoffHours and escalateAfterMinutes."];
                continue;
            }
            if (string.IsNullOrWhiteSpace(layer.Name) || layer.Name.Length > 100)
            {
                problems[$"{at}.name"] = ["name is 1-100 characters."];
            }
            if (layer.Users is null || layer.Users.Count is 0 or > MaxUsers || layer.Users.Any(u => string.IsNullOrWhiteSpace(u) || u.Length > 200))
            {
                problems[$"{at}.users"] = [$"users: 1 to {MaxUsers} user names (1-200 characters each), in rotation order."];
            }
            if (layer.RotationStart is null)
            {
                problems[$"{at}.rotationStart"] = ["rotationStart is the instant the first user's turn starts (ISO 8601 with offset)."];
            }
            if (layer.HandoffHours is null or < 1 or > 24 * 90)
            {
                problems[$"{at}.handoffHours"] = ["handoffHours is 1-2160 (24: daily, 168: weekly)."];
            }
            if (layer.EscalateAfterMinutes is null or < 1 or > 1440)
            {
                problems[$"{at}.escalateAfterMinutes"] = ["escalateAfterMinutes is 1-1440: how long this layer has to acknowledge before the next is paged."];
            }
            if (layer.Overrides is { Count: > MaxOverrides })
            {
                problems[$"{at}.overrides"] = [$"overrides: at most {MaxOverrides} per layer (remove those that are over)."];
                continue;
            }
            foreach (var (cover, j) in (layer.Overrides ?? []).Select((o, j) => (o, j)))
            {
                var where = $"{at}.overrides[{j}]";
                if (cover is null || string.IsNullOrWhiteSpace(cover.User) || cover.User.Length > 200)
                {
                    problems[$"{where}.user"] = ["user is the user name (1-200 characters) who covers the time range."];
                }
                if (cover?.StartsAt is not { } starts || cover.EndsAt is not { } ends || ends <= starts || ends - starts > TimeSpan.FromDays(MaxOverrideDays))
                {
                    problems[where] = [$"startsAt and endsAt (ISO 8601 with offset): endsAt after startsAt, at most {MaxOverrideDays} days apart."];
                }
            }
        }
        return problems;
    }

    /// <summary>The layers of a request that <see cref="Problems"/> found fine.</summary>
    public static List<OnCallLayer> Layers(OnCallScheduleRequest request) =>
        request.Layers!.Select(l => new OnCallLayer(l!.Name!.Trim(), l.Users!.Select(u => u.Trim()).ToList(), l.RotationStart!.Value, l.HandoffHours!.Value,
            l.EscalateAfterMinutes!.Value, l.Overrides is not { Count: > 0 } ? null
                : l.Overrides.Select(o => new OnCallOverride(o!.User!.Trim(), o.StartsAt!.Value, o.EndsAt!.Value)).OrderBy(o => o.StartsAt).ToList())).ToList();

    /// <summary>A saved schedule as a request again, for a change of one part (an override) that is then checked whole.</summary>
    public static OnCallScheduleRequest Request(OnCallSchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        return new OnCallScheduleRequest(schedule.Team, schedule.Layers.Select(l => (OnCallLayerRequest?)new OnCallLayerRequest(l.Name, [.. l.Users], l.RotationStart,
            l.HandoffHours, l.EscalateAfterMinutes, l.Overrides?.Select(o => (OnCallOverrideRequest?)new OnCallOverrideRequest(o.User, o.StartsAt, o.EndsAt)).ToList())).ToList());
    }

    [GeneratedRegex("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")]
    private static partial Regex Slug();
}

/// <summary>A schedule as sent to <c>PUT /api/oncall/schedules/{name}</c> (every field checked, so nothing is assumed).</summary>
public sealed record OnCallScheduleRequest(string? Team, List<OnCallLayerRequest?>? Layers);

/// <summary>One layer as sent.</summary>
public sealed record OnCallLayerRequest(string? Name, List<string>? Users, DateTimeOffset? RotationStart, int? HandoffHours, int? EscalateAfterMinutes,
    List<OnCallOverrideRequest?>? Overrides = null);

/// <summary>One override as sent.</summary>
public sealed record OnCallOverrideRequest(string? User, DateTimeOffset? StartsAt, DateTimeOffset? EndsAt);
