using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Portal.Web.Features.Incidents;

/// <summary>
/// A team's schedule as YAML, for export and import (the same fields as the JSON API, camelCase; instants as ISO 8601
/// text). Import only reads the YAML into a request: the API's own checks and access rules then apply as for a PUT.
/// Bad YAML is reported with its line and column. Pure.
/// </summary>
public static class OnCallScheduleYaml
{
    /// <summary>Bigger than any real schedule (10 layers of 50 people and 100 overrides is about 40 KB).</summary>
    public const int MaxBytes = 64 * 1024;

    private static readonly ISerializer Serializer = new SerializerBuilder().WithNamingConvention(CamelCaseNamingConvention.Instance)
        .ConfigureDefaultValuesHandling(DefaultValuesHandling.OmitNull).Build();

    private static readonly IDeserializer Deserializer = new DeserializerBuilder().WithNamingConvention(CamelCaseNamingConvention.Instance).Build();

    public static string Export(OnCallSchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        var document = new ScheduleDocument
        {
            Team = schedule.Team,
            Layers = schedule.Layers.Select(l => (LayerDocument?)new LayerDocument
            {
                Name = l.Name, Users = l.Users, RotationStart = Text(l.RotationStart), HandoffHours = l.HandoffHours, EscalateAfterMinutes = l.EscalateAfterMinutes,
                Overrides = l.Overrides is { Count: > 0 } ? l.Overrides.Select(o => (OverrideDocument?)new OverrideDocument { User = o.User, StartsAt = Text(o.StartsAt), EndsAt = Text(o.EndsAt) }).ToList() : null,
            }).ToList(),
        };
        return $"# On-call schedule {schedule.Name}: import with PUT /api/oncall/schedules/{schedule.Name}/yaml\n" + Serializer.Serialize(document);
    }

    /// <summary>The request the YAML describes, with field problems for instants that are not ISO 8601; or why the YAML cannot be read.</summary>
    public static (OnCallScheduleRequest? Request, Dictionary<string, string[]> Problems) Import(string yaml)
    {
        var problems = new Dictionary<string, string[]>();
        ScheduleDocument? document;
        try
        {
            document = Deserializer.Deserialize<ScheduleDocument?>(yaml);
        }
        catch (YamlException ex)
        {
            // YamlDotNet's outer message repeats the position; the inner one (a wrong type, an unknown field) says what.
            var reason = ex.InnerException?.Message ?? ex.Message;
            problems["yaml"] = [string.Create(CultureInfo.InvariantCulture, $"Line {ex.Start.Line}, column {ex.Start.Column}: {Plain(reason)}")];
            return (null, problems);
        }
        if (document is null)
        {
            problems["yaml"] = ["The YAML is empty: it needs team and layers."];
            return (null, problems);
        }
        var layers = document.Layers?.Select((l, i) => l is null ? null : new OnCallLayerRequest(l.Name, l.Users, Instant(l.RotationStart, $"layers[{i}].rotationStart", problems),
            l.HandoffHours, l.EscalateAfterMinutes,
            l.Overrides?.Select((o, j) => o is null ? null : new OnCallOverrideRequest(o.User, Instant(o.StartsAt, $"layers[{i}].overrides[{j}].startsAt", problems),
                Instant(o.EndsAt, $"layers[{i}].overrides[{j}].endsAt", problems))).ToList())).ToList();
        return (new OnCallScheduleRequest(document.Team, layers), problems);
    }

    // UTC as Z, other offsets kept; fractions of a second only when there are some.
    private static string Text(DateTimeOffset at) => at.Offset == TimeSpan.Zero
        ? at.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture)
        : at.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture);

    private static DateTimeOffset? Instant(string? text, string field, Dictionary<string, string[]> problems)
    {
        if (text is null)
        {
            return null;
        }
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at) && HasOffset(text))
        {
            return at;
        }
        problems[field] = [$"'{Plain(text)}' is not an ISO 8601 instant with an offset, such as 2026-11-16T09:00:00Z."];
        return null;
    }

    // An instant without Z or an offset would be read in the server's zone: refused rather than guessed.
    private static bool HasOffset(string text) => text.EndsWith('Z') || text.EndsWith('z') || (text.Length > 6 && text[^6] is '+' or '-' && text[^3] == ':');

    private static string Plain(string text) => text.Length <= 200 ? text : text[..200] + "…";

    // The YAML's shape. Mutable, as YamlDotNet fills them; instants as text so a bad one is a field problem, not a parse failure.
    private sealed class ScheduleDocument
    {
        public string? Team { get; set; }
        public List<LayerDocument?>? Layers { get; set; }
    }

    private sealed class LayerDocument
    {
        public string? Name { get; set; }
        public List<string>? Users { get; set; }
        public string? RotationStart { get; set; }
        public int? HandoffHours { get; set; }
        public int? EscalateAfterMinutes { get; set; }
        public List<OverrideDocument?>? Overrides { get; set; }
    }

    private sealed class OverrideDocument
    {
        public string? User { get; set; }
        public string? StartsAt { get; set; }
        public string? EndsAt { get; set; }
    }
}
