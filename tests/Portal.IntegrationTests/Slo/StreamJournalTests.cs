using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Portal.Web.Data;
using Portal.Web.Features.Slo;
using Portal.Web.Features.Slo.Otlp.Common;
using Portal.Web.Features.Slo.Otlp.Metrics;
using Portal.Web.Features.Slo.Ingestion;

namespace Portal.IntegrationTests.Slo;

/// <summary>
/// The stream-state journal against real PostgreSQL: stream state lives in one process's memory and in the journal,
/// so two portal processes (replicas) writing the same cumulative stream in turn, a process started afterwards, and a
/// deletion of stream state must all still count every increase exactly once.
/// </summary>
public sealed class StreamJournalTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>, IAsyncLifetime
{
    private const string Component = "component:default/cart-service";

    public Task InitializeAsync() => factory.SeedDemoAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Two_processes_writing_one_stream_in_turn_and_a_third_started_later_count_each_increase_once()
    {
        var start = SloMath.MinuteOf(DateTimeOffset.UtcNow).AddHours(-3);
        using var first = Process();
        using var second = Process();
        // Folds every third export: each process meets the other's journal rows and the other's folds.
        for (var k = 0; k < 12; k++)
        {
            await ExportAsync(k % 3 == 0 ? second : first, "/in-turn", start, k);
        }
        using var third = Process();
        await ExportAsync(third, "/in-turn", start, 12);
        await ExportAsync(first, "/in-turn", start, 13);

        var requests = await RequestsByMinuteAsync(start, 14);
        Assert.Equal(Enumerable.Range(0, 14).Select(Increment), requests);
    }

    [Fact]
    public async Task Deleted_stream_state_is_forgotten_by_the_process_holding_it_and_by_one_started_later()
    {
        var start = SloMath.MinuteOf(DateTimeOffset.UtcNow).AddHours(-5);
        using var running = Process();
        for (var k = 0; k < 3; k++)
        {
            await ExportAsync(running, "/forgotten-here", start, k);
            await ExportAsync(running, "/forgotten-after-restart", start, k);
        }
        // What a ratio SLO's change does: the journal folded, then the rows deleted, in one transaction.
        await using (var db = await factory.DbAsync())
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            await StreamJournal.PrepareDeleteAsync((Npgsql.NpgsqlConnection)db.Database.GetDbConnection(), DateTimeOffset.UtcNow, CancellationToken.None);
            Assert.True(await db.Set<MetricStream>().Where(s => s.ComponentRef == Component).ExecuteDeleteAsync() >= 2);
            await transaction.CommitAsync();
        }
        using var restarted = Process();
        await ExportAsync(running, "/forgotten-here", start, 3);
        await ExportAsync(restarted, "/forgotten-after-restart", start, 3);

        var requests = await RequestsByMinuteAsync(start, 4);
        // Minute 3 is each stream's first point again: its whole count (it started recently), not the increase since minute 2.
        Assert.Equal([2 * Increment(0), 2 * Increment(1), 2 * Increment(2), 2 * Cumulative(3)], requests);
    }

    [Fact]
    public async Task Expiry_keeps_a_stream_whose_table_row_is_old_but_whose_newest_state_is_in_the_journal()
    {
        var start = SloMath.MinuteOf(DateTimeOffset.UtcNow).AddHours(-7);
        using var process = Process();
        for (var k = 0; k < 3; k++)
        {
            await ExportAsync(process, "/quiet-then-busy", start, k); // the third export folds the journal into the table
        }
        await using (var db = await factory.DbAsync())
        {
            // The stream was quiet for 8 days (beyond StreamExpiryDays) before its last export...
            Assert.True(await db.Set<MetricStream>().Where(s => s.ComponentRef == Component)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.LastSeenAt, DateTimeOffset.UtcNow.AddDays(-8))) >= 1);
        }
        await ExportAsync(process, "/quiet-then-busy", start, 3); // ...which is only in the journal
        await ActivatorUtilities.CreateInstance<SloRetentionJob>(factory.Services).RunAsync(CancellationToken.None);
        await ExportAsync(process, "/quiet-then-busy", start, 4);

        Assert.Equal(Enumerable.Range(0, 5).Select(Increment), await RequestsByMinuteAsync(start, 5));
    }

    [Fact]
    public async Task An_export_of_a_service_in_another_partition_does_not_wait_for_a_busy_partition()
    {
        var start = SloMath.MinuteOf(DateTimeOffset.UtcNow).AddHours(-9);
        Assert.NotEqual(StreamPartitions.Of("cart-service"), StreamPartitions.Of("order-service"));
        using var process = Process();
        // Another replica in the middle of a long cart-service export: it holds that partition's lock.
        await using var other = await factory.DbAsync();
        await using var busy = await other.Database.BeginTransactionAsync();
        await other.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({StreamPartitions.LockKey(StreamPartitions.Of("cart-service"))})");

        await ExportAsync(process, "/beside", start, 0, "order-service").WaitAsync(TimeSpan.FromSeconds(30));
        var cart = ExportAsync(process, "/behind", start, 0);
        // The cart-service export is queued on that partition's lock in PostgreSQL...
        var key = StreamPartitions.LockKey(StreamPartitions.Of("cart-service"));
        await Portal.TestSupport.Wait.UntilAsync(async () =>
        {
            await using var db = await factory.DbAsync();
            return await db.Database.SqlQuery<long>($"""
                SELECT count(*) AS "Value" FROM pg_locks
                WHERE locktype = 'advisory' AND NOT granted AND ((classid::bigint << 32) | objid::bigint) = {key}
                """).SingleAsync() > 0;
        }, TimeSpan.FromSeconds(30), "the cart-service export to wait for its partition's lock");
        Assert.False(cart.IsCompleted);
        // ...while the order-service one, in this same process, goes through.
        await ExportAsync(process, "/beside", start, 1, "order-service").WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(cart.IsCompleted);

        await busy.RollbackAsync();
        await cart.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal([Increment(0), Increment(1)], await RequestsByMinuteAsync(start, 2, "component:default/order-service"));
        Assert.Equal([Increment(0)], await RequestsByMinuteAsync(start, 1));
    }

    [Fact]
    public async Task Stream_state_journalled_before_partitions_is_folded_at_start_up_and_each_increase_counted_once()
    {
        var start = SloMath.MinuteOf(DateTimeOffset.UtcNow).AddHours(-11);
        using (var before = Process())
        {
            await ExportAsync(before, "/upgraded", start, 0);
            await ExportAsync(before, "/upgraded", start, 1);
        }
        await using (var db = await factory.DbAsync())
        {
            // What the ScaleOut migration does to rows an earlier version wrote.
            Assert.True(await db.Database.ExecuteSqlAsync($"UPDATE slo_stream_journal SET partition = {StreamPartitions.Legacy}") >= 1);
            await db.Database.OpenConnectionAsync();
            await StreamJournal.FoldLegacyAsync((Npgsql.NpgsqlConnection)db.Database.GetDbConnection(), CancellationToken.None);
            Assert.Equal(0, await db.Set<StreamJournalEntry>().CountAsync(e => e.Partition == StreamPartitions.Legacy));
        }
        using var after = Process();
        await ExportAsync(after, "/upgraded", start, 2);

        Assert.Equal(Enumerable.Range(0, 3).Select(Increment), await RequestsByMinuteAsync(start, 3));
    }

    private static long Increment(int k) => k + 1;

    private static long Cumulative(int k) => (long)(k + 1) * (k + 2) / 2;

    private MetricsIngestion Process() => ActivatorUtilities.CreateInstance<MetricsIngestion>(factory.Services,
        Options.Create(new SloOptions { StreamFoldExports = 3 }), TimeProvider.System, NullLogger<MetricsIngestion>.Instance);

    /// <summary>Minute k of the stream: its cumulative count since start - 1 minute (it grew by k + 1 in that minute).</summary>
    private static async Task ExportAsync(MetricsIngestion process, string route, DateTimeOffset start, int k, string service = "cart-service")
    {
        var point = new HistogramDataPoint
        {
            StartTimeUnixNano = (ulong)OtlpReader.ToUnixNano(start.AddMinutes(-1)),
            TimeUnixNano = (ulong)OtlpReader.ToUnixNano(start.AddMinutes(k).AddSeconds(30)),
            Count = (ulong)Cumulative(k),
            Sum = Cumulative(k) * 0.01,
        };
        point.BucketCounts.AddRange([(ulong)Cumulative(k), 0UL]);
        point.ExplicitBounds.Add(0.1);
        point.Attributes.Add(new KeyValue { Key = "http.route", Value = new AnyValue { StringValue = route } });
        var histogram = new Histogram { AggregationTemporality = AggregationTemporality.Cumulative };
        histogram.DataPoints.Add(point);
        var outcome = await process.ExportAsync(Portal.TestSupport.OtlpExports.RequestDurations(service, histogram), null, CancellationToken.None);
        Assert.Equal(0, outcome.Rejected);
    }

    private async Task<long[]> RequestsByMinuteAsync(DateTimeOffset start, int minutes, string component = Component)
    {
        await using var db = await factory.DbAsync();
        var rows = await db.Set<ServiceMinute>().AsNoTracking()
            .Where(m => m.ComponentRef == component && m.Minute >= start && m.Minute < start.AddMinutes(minutes)).ToListAsync();
        return [.. Enumerable.Range(0, minutes).Select(k => rows.SingleOrDefault(r => r.Minute == start.AddMinutes(k))?.Requests ?? 0)];
    }
}
