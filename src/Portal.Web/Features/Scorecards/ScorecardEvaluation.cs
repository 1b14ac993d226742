using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using Portal.Web.Data;

namespace Portal.Web.Features.Scorecards;

/// <summary>
/// Evaluates enabled scorecards over the catalog and stores the verdicts: a result row per (scorecard, entity), rewritten
/// only when it changed; a history row when the level or the passing rules changed; a run row of totals for the trend.
/// Idempotent: running it twice on the same signals writes no second history row. Rows are written with binary COPY
/// so a first run over 100,000 entities stays within seconds.
/// </summary>
public static class ScorecardEvaluation
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private sealed class Tally(ScorecardDefinition card)
    {
        public Dictionary<string, (string Hash, string StateHash)> Existing { get; set; } = [];
        public HashSet<string> Seen { get; } = new(StringComparer.Ordinal);
        public int[] Levels { get; } = new int[card.Levels.Count + 1];
        public int Passed { get; set; }
        public int Total { get; set; }
        public int TelemetryChecked { get; set; }
        public int TelemetryPassing { get; set; }
        public int Changed { get; set; }
    }

    private sealed record Row(Guid ScorecardId, string EntityRef, string Kind, string? Owner, ScorecardOutcome Outcome, string RulesJson, string Hash,
        string StateHash, bool StateChanged);

    /// <summary>Key of the session advisory lock that keeps two evaluations (two replicas, a manual and a scheduled one) from interleaving.</summary>
    private const long LockKey = 0x5C0_4EC4_4D5;

    /// <summary>Evaluates the enabled scorecards (those of <paramref name="ids"/> when given) and returns one run per scorecard.</summary>
    public static async Task<IReadOnlyList<ScorecardRun>> RunAsync(PortalDbContext db, IReadOnlyCollection<Guid>? ids, DateTimeOffset now, CancellationToken ct)
    {
        // One connection for the whole run, so the session lock holds until the end.
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_lock({LockKey})", ct);
            try
            {
                return await EvaluateAsync(db, ids, now, ct);
            }
            finally
            {
                await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_unlock({LockKey})", CancellationToken.None);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static async Task<IReadOnlyList<ScorecardRun>> EvaluateAsync(PortalDbContext db, IReadOnlyCollection<Guid>? ids, DateTimeOffset now, CancellationToken ct)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var stored = await db.Scorecards.AsNoTracking().Where(s => s.Enabled && (ids == null || ids.Contains(s.Id))).OrderBy(s => s.Name).ToListAsync(ct);
        var cards = stored.Select(s => (s.Id, Definition: ScorecardYaml.ParseOne(s.Yaml).Definition)).Where(c => c.Definition is not null)
            .Select(c => (c.Id, Definition: c.Definition!)).ToList();
        if (cards.Count == 0)
        {
            return [];
        }
        var signals = await ScorecardSignals.LoadAsync(db, [.. cards.Select(c => c.Definition)], now, ct);
        var tallies = new Dictionary<Guid, Tally>();
        foreach (var (id, definition) in cards)
        {
            tallies[id] = new Tally(definition)
            {
                Existing = await db.ScorecardResults.AsNoTracking().Where(r => r.ScorecardId == id)
                    .Select(r => new { r.EntityRef, r.Hash, r.StateHash }).ToDictionaryAsync(r => r.EntityRef, r => (r.Hash, r.StateHash), StringComparer.Ordinal, ct),
            };
        }

        await foreach (var page in signals.PagesAsync(db, ct))
        {
            var rows = new List<Row>();
            foreach (var entity in page)
            {
                foreach (var (id, definition) in cards)
                {
                    if (ScorecardEvaluator.Evaluate(definition, entity, now) is not { } outcome)
                    {
                        continue;
                    }
                    var tally = tallies[id];
                    tally.Seen.Add(entity.Ref);
                    tally.Levels[outcome.LevelIndex + 1]++;
                    tally.Passed += outcome.Passed;
                    tally.Total += outcome.Rules.Count;
                    if (outcome.Rules.Any(r => r.Check == RuleTypes.TelemetryRecent))
                    {
                        tally.TelemetryChecked++;
                        tally.TelemetryPassing += outcome.Rules.Any(r => r.Check == RuleTypes.TelemetryRecent && r.Outcome == RuleOutcome.Pass) ? 1 : 0;
                    }
                    var rulesJson = JsonSerializer.Serialize(outcome.Rules, Json);
                    var hash = Hash($"{outcome.LevelIndex}|{entity.Owner}|{rulesJson}");
                    var stateHash = Hash($"{outcome.LevelIndex}|{PassingRules(outcome)}");
                    var known = tally.Existing.TryGetValue(entity.Ref, out var before);
                    if (known && before.Hash == hash)
                    {
                        continue;
                    }
                    tally.Changed++;
                    rows.Add(new Row(id, entity.Ref, entity.Kind, entity.Owner, outcome, rulesJson, hash, stateHash, !known || before.StateHash != stateHash));
                }
            }
            await WriteAsync(db, rows, now, ct);
        }

        var runs = new List<ScorecardRun>();
        var seconds = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds;
        foreach (var (id, _) in cards)
        {
            var tally = tallies[id];
            var gone = tally.Existing.Keys.Where(r => !tally.Seen.Contains(r)).ToList();
            foreach (var chunk in gone.Chunk(1000))
            {
                await db.ScorecardResults.Where(r => r.ScorecardId == id && chunk.Contains(r.EntityRef)).ExecuteDeleteAsync(ct);
            }
            runs.Add(new ScorecardRun
            {
                ScorecardId = id, At = now, Entities = tally.Seen.Count, LevelCounts = tally.Levels, PassedChecks = tally.Passed, TotalChecks = tally.Total,
                TelemetryChecked = tally.TelemetryChecked, TelemetryPassing = tally.TelemetryPassing, ChangedResults = tally.Changed, Seconds = seconds,
            });
        }
        db.ScorecardRuns.AddRange(runs);
        await db.SaveChangesAsync(ct);
        return runs;
    }

    /// <summary>The ids of the passing rules, comma-separated, in the scorecard's order.</summary>
    public static string PassingRules(ScorecardOutcome outcome) => string.Join(',', outcome.Rules.Where(r => r.Outcome == RuleOutcome.Pass).Select(r => r.Id));

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..32];

    private const string Columns = "scorecard_id, entity_ref, kind, owner, level_index, level, passed, failed, no_data, total, rules_json, hash, state_hash, changed_at";

    // Built from the constant column list only: no value ever enters the SQL text.
    private static readonly string Upsert =
        $"INSERT INTO scorecard_results ({Columns}) SELECT {Columns} FROM scorecard_results_in ON CONFLICT (scorecard_id, entity_ref) DO UPDATE SET "
        + string.Join(", ", Columns.Split(", ").Skip(2).Select(c => $"{c} = excluded.{c}"));

    /// <summary>Upserts the changed results and appends history for changed states, in one transaction, through binary COPY.</summary>
    private static async Task WriteAsync(PortalDbContext db, List<Row> rows, DateTimeOffset now, CancellationToken ct)
    {
        if (rows.Count == 0)
        {
            return;
        }
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await db.Database.ExecuteSqlRawAsync(
            "CREATE TEMP TABLE IF NOT EXISTS scorecard_results_in (LIKE scorecard_results) ON COMMIT DELETE ROWS", ct);
        await using (var copy = await connection.BeginBinaryImportAsync($"COPY scorecard_results_in ({Columns}) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var row in rows)
            {
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(row.ScorecardId, NpgsqlDbType.Uuid, ct);
                await copy.WriteAsync(row.EntityRef, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(row.Kind, NpgsqlDbType.Text, ct);
                await copy.WriteNullableAsync(row.Owner, ct);
                await copy.WriteAsync(row.Outcome.LevelIndex, NpgsqlDbType.Integer, ct);
                await copy.WriteNullableAsync(row.Outcome.Level, ct);
                await copy.WriteAsync(row.Outcome.Passed, NpgsqlDbType.Integer, ct);
                await copy.WriteAsync(row.Outcome.Failed, NpgsqlDbType.Integer, ct);
                await copy.WriteAsync(row.Outcome.NoData, NpgsqlDbType.Integer, ct);
                await copy.WriteAsync(row.Outcome.Rules.Count, NpgsqlDbType.Integer, ct);
                await copy.WriteAsync(row.RulesJson, NpgsqlDbType.Jsonb, ct);
                await copy.WriteAsync(row.Hash, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(row.StateHash, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(now, NpgsqlDbType.TimestampTz, ct);
            }
            await copy.CompleteAsync(ct);
        }
        await db.Database.ExecuteSqlRawAsync(Upsert, ct);
        var history = rows.Where(r => r.StateChanged).ToList();
        if (history.Count > 0)
        {
            await using var copy = await connection.BeginBinaryImportAsync(
                "COPY scorecard_history (scorecard_id, entity_ref, owner, level_index, level, passed, total, passing_rules, at) FROM STDIN (FORMAT BINARY)", ct);
            foreach (var row in history)
            {
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(row.ScorecardId, NpgsqlDbType.Uuid, ct);
                await copy.WriteAsync(row.EntityRef, NpgsqlDbType.Text, ct);
                await copy.WriteNullableAsync(row.Owner, ct);
                await copy.WriteAsync(row.Outcome.LevelIndex, NpgsqlDbType.Integer, ct);
                await copy.WriteNullableAsync(row.Outcome.Level, ct);
                await copy.WriteAsync(row.Outcome.Passed, NpgsqlDbType.Integer, ct);
                await copy.WriteAsync(row.Outcome.Rules.Count, NpgsqlDbType.Integer, ct);
                await copy.WriteAsync(PassingRules(row.Outcome), NpgsqlDbType.Text, ct);
                await copy.WriteAsync(now, NpgsqlDbType.TimestampTz, ct);
            }
            await copy.CompleteAsync(ct);
        }
        await transaction.CommitAsync(ct);
    }
}
