using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using Portal.Web.Data;
using Portal.Web.Features.Incidents;

namespace Portal.Web.Features.Scorecards;

/// <summary>
/// Evaluates enabled scorecards over the catalog and stores the verdicts: a result row per (scorecard, entity), rewritten
/// only when it changed; a history row when the level or the passing rules changed; a run row of totals for the trend.
/// Idempotent: running it twice on the same signals writes no second history row. Results keep facts only (an outcome
/// code and a value per rule, see <see cref="StoredFindings"/>), new ones go in with binary COPY and changed ones with
/// one batched upsert per page, so a first run over 100,000 entities stays within seconds.
/// </summary>
public static class ScorecardEvaluation
{
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

    private sealed record Row(Guid ScorecardId, string EntityRef, string Kind, string? Owner, ScorecardOutcome Outcome, string Outcomes, string?[]? Values,
        string RulesKey, string Hash, string StateHash, bool Known, bool StateChanged);

    /// <summary>Key of the session advisory lock that keeps two evaluations (two replicas, a manual and a scheduled one) from interleaving.</summary>
    private const long LockKey = 0x5C0_4EC4_4D5;

    /// <summary>Evaluates the enabled scorecards (those of <paramref name="ids"/> when given) and returns one run per scorecard.</summary>
    public static async Task<IReadOnlyList<ScorecardRun>> RunAsync(PortalDbContext db, IReadOnlyCollection<Guid>? ids, DateTimeOffset now, CancellationToken ct,
        AlertRouting? routing = null)
    {
        // One connection for the whole run, so the session lock holds until the end.
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_lock({LockKey})", ct);
            try
            {
                return await EvaluateAsync(db, ids, now, routing, ct);
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

    private static async Task<IReadOnlyList<ScorecardRun>> EvaluateAsync(PortalDbContext db, IReadOnlyCollection<Guid>? ids, DateTimeOffset now, AlertRouting? routing,
        CancellationToken ct)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var stored = await db.Scorecards.AsNoTracking().Where(s => s.Enabled && (ids == null || ids.Contains(s.Id))).OrderBy(s => s.Name).ToListAsync(ct);
        var cards = stored.Select(s => (s.Id, Definition: ScorecardYaml.ParseOne(s.Yaml).Definition)).Where(c => c.Definition is not null)
            .Select(c => (c.Id, Definition: c.Definition!, Key: StoredFindings.RulesKey(c.Definition!),
                Telemetry: c.Definition!.Rules.Select((r, i) => (r, i)).Where(x => x.r.Check == RuleTypes.TelemetryRecent).Select(x => x.i).ToArray())).ToList();
        if (cards.Count == 0)
        {
            return [];
        }
        var signals = await ScorecardSignals.LoadAsync(db, [.. cards.Select(c => c.Definition)], now, ct, routing);
        var tallies = new Dictionary<Guid, Tally>();
        foreach (var (id, definition, _, _) in cards)
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
                foreach (var (id, definition, rulesKey, telemetry) in cards)
                {
                    if (ScorecardEvaluator.Evaluate(definition, entity, now) is not { } outcome)
                    {
                        continue;
                    }
                    var tally = tallies[id];
                    tally.Seen.Add(entity.Ref);
                    tally.Levels[outcome.LevelIndex + 1]++;
                    tally.Passed += outcome.Passed;
                    tally.Total += outcome.Findings.Count;
                    if (telemetry.Length > 0)
                    {
                        tally.TelemetryChecked++;
                        tally.TelemetryPassing += telemetry.Any(i => outcome.Findings[i].Outcome == RuleOutcome.Pass) ? 1 : 0;
                    }
                    var outcomes = StoredFindings.Outcomes(outcome.Findings);
                    var values = StoredFindings.Values(outcome.Findings);
                    var hash = Hash($"{outcome.LevelIndex}|{entity.Owner}|{entity.Kind}|{rulesKey}|{outcomes}|{(values is null ? "" : string.Join('\u001e', values))}");
                    var stateHash = Hash($"{outcome.LevelIndex}|{PassingRules(outcome)}");
                    var known = tally.Existing.TryGetValue(entity.Ref, out var before);
                    if (known && before.Hash == hash)
                    {
                        continue;
                    }
                    tally.Changed++;
                    rows.Add(new Row(id, entity.Ref, entity.Kind, entity.Owner, outcome, outcomes, values, rulesKey, hash, stateHash, known,
                        !known || before.StateHash != stateHash));
                }
            }
            await WriteAsync(db, rows, now, ct);
        }

        var runs = new List<ScorecardRun>();
        var seconds = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds;
        foreach (var (id, _, _, _) in cards)
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
    public static string PassingRules(ScorecardOutcome outcome) =>
        string.Join(',', outcome.RuleList.Where((_, i) => outcome.Findings[i].Outcome == RuleOutcome.Pass).Select(r => r.Id));

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..32];

    private const string Columns =
        "scorecard_id, entity_ref, kind, owner, level_index, level, passed, failed, no_data, total, outcomes, rule_values, rules_key, hash, state_hash, changed_at";

    // Built from the constant column list only: no value ever enters the SQL text.
    private static readonly string Upsert =
        $"INSERT INTO scorecard_results ({Columns}) SELECT {Columns} FROM scorecard_results_in ON CONFLICT (scorecard_id, entity_ref) DO UPDATE SET "
        + string.Join(", ", Columns.Split(", ").Skip(2).Select(c => $"{c} = excluded.{c}"));

    /// <summary>
    /// Writes one page in one transaction: results not stored before straight into the table with binary COPY (the first
    /// run: nothing to conflict with, the advisory lock keeps other runs out), changed ones through a temp table and one
    /// upsert, and history for changed states.
    /// </summary>
    private static async Task WriteAsync(PortalDbContext db, List<Row> rows, DateTimeOffset now, CancellationToken ct)
    {
        if (rows.Count == 0)
        {
            return;
        }
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        if (rows.Any(r => !r.Known))
        {
            await CopyResultsAsync(connection, "scorecard_results", rows.Where(r => !r.Known), now, ct);
        }
        if (rows.Any(r => r.Known))
        {
            await db.Database.ExecuteSqlRawAsync(
                "CREATE TEMP TABLE IF NOT EXISTS scorecard_results_in (LIKE scorecard_results) ON COMMIT DELETE ROWS", ct);
            await CopyResultsAsync(connection, "scorecard_results_in", rows.Where(r => r.Known), now, ct);
            await db.Database.ExecuteSqlRawAsync(Upsert, ct);
        }
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
                await copy.WriteAsync(row.Outcome.Findings.Count, NpgsqlDbType.Integer, ct);
                await copy.WriteAsync(PassingRules(row.Outcome), NpgsqlDbType.Text, ct);
                await copy.WriteAsync(now, NpgsqlDbType.TimestampTz, ct);
            }
            await copy.CompleteAsync(ct);
        }
        await transaction.CommitAsync(ct);
    }

    // The table name is one of two constants above, never a value.
    private static async Task CopyResultsAsync(NpgsqlConnection connection, string table, IEnumerable<Row> rows, DateTimeOffset now, CancellationToken ct)
    {
        await using var copy = await connection.BeginBinaryImportAsync($"COPY {table} ({Columns}) FROM STDIN (FORMAT BINARY)", ct);
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
            await copy.WriteAsync(row.Outcome.Findings.Count, NpgsqlDbType.Integer, ct);
            await copy.WriteAsync(row.Outcomes, NpgsqlDbType.Text, ct);
            if (row.Values is null)
            {
                await copy.WriteNullAsync(ct);
            }
            else
            {
                await copy.WriteAsync(row.Values, NpgsqlDbType.Array | NpgsqlDbType.Text, ct);
            }
            await copy.WriteAsync(row.RulesKey, NpgsqlDbType.Text, ct);
            await copy.WriteAsync(row.Hash, NpgsqlDbType.Text, ct);
            await copy.WriteAsync(row.StateHash, NpgsqlDbType.Text, ct);
            await copy.WriteAsync(now, NpgsqlDbType.TimestampTz, ct);
        }
        await copy.CompleteAsync(ct);
    }
}
