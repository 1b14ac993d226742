using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Portal.TestSupport;
using Portal.Web.Data;
using Portal.Web.Features.Environments;
using Portal.Web.Features.Slo;
using Portal.Web.Features.Slo.Ingestion;
using Portal.Web.Infrastructure.Notifications;

namespace Portal.Benchmarks;

/// <summary>
/// The alert job at scale, on the test cluster:
/// <code>dotnet run -c Release --project tests/Portal.Benchmarks -- slo-alerts [--slos 10000] [--cycles 5]</code>
/// Creates the SLOs (availability and latency on 5,000 components; rolling 7, 28 and 30 days) and the counts
/// ingestion leaves after 30 days of traffic in every minute - minute rows for the 4 days kept, hour and day rows
/// for 35 days - with 1 % of the SLOs burning fast in the last hour. Then runs the real alert job's cycle
/// (retention sweep, every SLO's figures, alert transitions) and reports the median and slowest cycle.
/// </summary>
public static class SloAlertHarness
{
    private const string Command = "dotnet run -c Release --project tests/Portal.Benchmarks -- slo-alerts";

    public static async Task<int> RunAsync(string[] args)
    {
        var count = HarnessArgs.Number(args, "--slos", 10_000);
        var cycles = HarnessArgs.Number(args, "--cycles", 5);
        var connection = TestCluster.CreateDatabase("sloalerts");
        var options = new DbContextOptionsBuilder<PortalDbContext>().UseNpgsql(connection, npgsql => npgsql.CommandTimeout(3600)).UseSnakeCaseNamingConvention().Options;
        await using (var setup = new PortalDbContext(options))
        {
            await setup.Database.MigrateAsync();
        }
        var now = DateTimeOffset.UtcNow;
        var generate = Stopwatch.StartNew();
        await using (var db = new PortalDbContext(options))
        {
            for (var i = 0; i < count; i++)
            {
                db.Add(new SloDefinition
                {
                    Name = i % 2 == 0 ? "availability" : "latency",
                    ComponentRef = $"component:default/service-{i / 2:D5}",
                    Indicator = i % 2 == 0 ? SliKinds.Availability : SliKinds.Latency,
                    ThresholdSeconds = i % 2 == 0 ? null : 0.3m,
                    Target = i % 2 == 0 ? 0.999m : 0.95m,
                    WindowDays = (i % 3) switch { 0 => 30, 1 => 28, _ => 7 },
                    CreatedBy = "benchmark",
                    CreatedAt = now,
                    UpdatedAt = now,
                });
            }
            await db.SaveChangesAsync();
            // The rows ingestion would have written: every minute has traffic (100-199 events); 1 % of the SLOs lose
            // a fifth of their events in the last hour, the rest a trickle. Rows are written in time order, as ingestion
            // writes them. Indexes are built after the load to keep the set-up short; the cycle uses them as production does.
            db.Database.SetCommandTimeout(TimeSpan.FromHours(1));
            await db.Database.ExecuteSqlRawAsync("ALTER TABLE slo_counts DROP CONSTRAINT pk_slo_counts; DROP INDEX ix_slo_counts_span_bucket; ALTER TABLE slo_counts DROP CONSTRAINT fk_slo_counts_slo_definition_slo_id");
            var minute = SloMath.MinuteOf(now);
            await db.Database.ExecuteSqlRawAsync("""
                INSERT INTO slo_counts (slo_id, span, bucket, good, total, good_slices, slices)
                SELECT d.id, 0, m, t - CASE WHEN hashtext(d.id::text) % 100 = 0 AND m > {0} - interval '1 hour' THEN t / 5 ELSE (extract(minute from m)::int % 20 = 0)::int END, t,
                       1, 1
                FROM slo_definitions d, generate_series({0} - interval '4 days', {0}, interval '1 minute') AS m,
                     LATERAL (SELECT 100 + (extract(epoch from m)::bigint / 60 + hashtext(d.id::text)) % 100 AS t) AS traffic
                ORDER BY m
                """, minute);
            Console.Error.WriteLine($"Minute rows written in {generate.Elapsed.TotalSeconds:0} s");
            await db.Database.ExecuteSqlRawAsync("""
                INSERT INTO slo_counts (slo_id, span, bucket, good, total, good_slices, slices)
                SELECT d.id, 1, h, 8940 - 3, 8940, 59, 60 FROM slo_definitions d, generate_series(date_trunc('hour', {0}) - interval '35 days', date_trunc('hour', {0}), interval '1 hour') AS h ORDER BY h;
                INSERT INTO slo_counts (slo_id, span, bucket, good, total, good_slices, slices)
                SELECT d.id, 2, g, 214560 - 72, 214560, 1416, 1440 FROM slo_definitions d, generate_series(date_trunc('day', {0}) - interval '35 days', date_trunc('day', {0}), interval '1 day') AS g ORDER BY g;
                """, minute);
            await db.Database.ExecuteSqlRawAsync("""
                ALTER TABLE slo_counts ADD CONSTRAINT pk_slo_counts PRIMARY KEY (slo_id, span, bucket);
                CREATE INDEX ix_slo_counts_span_bucket ON slo_counts (span, bucket) INCLUDE (slo_id, good, total, good_slices, slices);
                ALTER TABLE slo_counts ADD CONSTRAINT fk_slo_counts_slo_definition_slo_id FOREIGN KEY (slo_id) REFERENCES slo_definitions (id) ON DELETE CASCADE;
                """);
            await db.Database.ExecuteSqlRawAsync("VACUUM ANALYZE slo_counts");
        }
        long rows;
        await using (var db = new PortalDbContext(options))
        {
            rows = await db.Set<SloCount>().LongCountAsync();
        }
        Console.Error.WriteLine($"{count:N0} SLOs, {rows:N0} count rows, set up in {generate.Elapsed.TotalSeconds:0} s");

        var http = new ServiceCollection().AddHttpClient().BuildServiceProvider().GetRequiredService<IHttpClientFactory>();
        var dbFactory = new PooledDbContextFactory<PortalDbContext>(options);
        // The incidents listener as the portal registers it (receivers: none configured), so a cycle includes opening incidents.
        var incidents = new Portal.Web.Features.Incidents.IncidentAlertListener(dbFactory, new Portal.Web.Features.Incidents.IncidentNotifier(http,
            Options.Create(new Portal.Web.Features.Incidents.IncidentsOptions()), Options.Create(new NotificationOptions()),
            NullLogger<Portal.Web.Features.Incidents.IncidentNotifier>.Instance));
        var job = new SloAlertJob(dbFactory, TimeProvider.System,
            new WebhookNotifier(http, Options.Create(new NotificationOptions()), NullLogger<WebhookNotifier>.Instance), [incidents],
            [new Portal.Web.Features.Incidents.MaintenanceSuppressor(dbFactory)], NullLogger<SloAlertJob>.Instance);
        // The figures alone (one query for every SLO's windows), then whole cycles.
        await using (var db = new PortalDbContext(options))
        {
            var slos = await db.Set<SloDefinition>().AsNoTracking().ToListAsync();
            if (args.Contains("--explain"))
            {
                await db.Database.OpenConnectionAsync();
                var segments = SloEvaluation.Plan(slos, DateTimeOffset.UtcNow).SelectMany(g => g.Windows.Values.Append(g.PeriodWindow)).SelectMany(w => w.Segments)
                    .Distinct().ToList();
                await using var explain = SloCountStore.SumCommand((Npgsql.NpgsqlConnection)db.Database.GetDbConnection(), null, segments);
                explain.CommandText = "EXPLAIN (ANALYZE, BUFFERS) " + explain.CommandText;
                await using var plan = await explain.ExecuteReaderAsync();
                Console.Error.WriteLine($"{segments.Count} segments");
                while (await plan.ReadAsync())
                {
                    Console.Error.WriteLine(plan.GetString(0));
                }
            }
            for (var i = 0; i < 2; i++)
            {
                var figures = Stopwatch.StartNew();
                await SloEvaluation.EvaluateAsync(db, slos, DateTimeOffset.UtcNow, allSlos: true, CancellationToken.None);
                Console.Error.WriteLine($"figures of {slos.Count:N0} SLOs: {figures.Elapsed.TotalMilliseconds:0} ms");
            }
        }
        var times = new List<double>();
        for (var cycle = 0; cycle <= cycles; cycle++)
        {
            var clock = Stopwatch.StartNew();
            await job.RunAsync(CancellationToken.None);
            if (cycle > 0)
            {
                times.Add(clock.Elapsed.TotalMilliseconds); // the first cycle warms caches and the JIT
            }
            Console.Error.WriteLine($"cycle {cycle}: {clock.Elapsed.TotalMilliseconds:0} ms");
        }
        int firing;
        await using (var db = new PortalDbContext(options))
        {
            firing = await db.Set<SloAlert>().CountAsync(a => a.State != AlertStates.Resolved);
        }
        var sorted = times.Order().ToList();
        Console.WriteLine($"# {Command} --slos {count} --cycles {cycles}");
        Console.WriteLine($"{count:N0} SLOs with 30 days of counts ({rows:N0} rows): alert cycle median {EnvironmentFigures.Percentile(sorted, 0.5):0} ms, " +
            $"slowest {sorted[^1]:0} ms over {cycles} cycles; {firing} alert episodes open (goal: <= 5 s per cycle)");
        return 0;
    }

}
