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
using Portal.Web.Infrastructure.Extensions;
using Portal.Web.Infrastructure.Notifications;

namespace Portal.Benchmarks;

/// <summary>
/// The alert job at scale, on the test cluster:
/// <code>dotnet run -c Release --project tests/Portal.Benchmarks -- slo-alerts [--slos 10000] [--cycles 5] [--sparse] [--no-routing]</code>
/// Creates the SLOs (availability and latency on components; rolling 7, 28 and 30 days) and the counts
/// ingestion leaves after 30 days of traffic in every minute - minute rows for the 4 days kept, hour and day rows
/// for 35 days - with 1 % of the SLOs burning fast in the last hour. <c>--sparse</c> writes only the count rows the
/// measured cycles read (the union of their windows' segments), so 100,000 SLOs fit a shared machine; the cycle's
/// query reads the same rows either way (one index range scan per segment).
/// Routing and incidents are on unless <c>--no-routing</c>: every component is in the catalog with an owner (100 teams,
/// each with an on-call schedule), a runbook link and two dependents; alert changes go to a generic webhook, and incidents
/// to PagerDuty Events v2 and Slack receivers, all loopback recorders. The job's clock moves one minute per cycle, so
/// the pending episodes of cycle 0 fire in cycle 1 (notifications, incidents, pages). Reports every cycle with its phases,
/// the median and the slowest.
/// </summary>
public static class SloAlertHarness
{
    private const string Command = "dotnet run -c Release --project tests/Portal.Benchmarks -- slo-alerts";

    public static async Task<int> RunAsync(string[] args)
    {
        var count = HarnessArgs.Number(args, "--slos", 10_000);
        var cycles = HarnessArgs.Number(args, "--cycles", 5);
        var sparse = args.Contains("--sparse");
        var routing = !args.Contains("--no-routing");
        var commands = new CommandCounter();
        var connection = TestCluster.CreateDatabase("sloalerts");
        var options = new DbContextOptionsBuilder<PortalDbContext>().UseNpgsql(connection, npgsql => npgsql.CommandTimeout(3600)).UseSnakeCaseNamingConvention()
            .AddInterceptors(commands).Options;
        await using (var setup = new PortalDbContext(options))
        {
            await setup.Database.MigrateAsync();
        }
        var now = DateTimeOffset.UtcNow;
        // The job's clock: cycle c evaluates minute (now - cycles - 1 + c), so every window ends inside the written rows.
        var clock = new SteppedClock(SloMath.MinuteOf(now) - TimeSpan.FromMinutes(cycles + 1) + TimeSpan.FromSeconds(30));
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
            // The buckets of each span: every one of the kept history, or (--sparse) those the measured cycles read.
            var buckets = sparse ? ReadBuckets(await db.Set<SloDefinition>().AsNoTracking().ToListAsync(), clock.Now, cycles)
                : new Dictionary<short, DateTimeOffset[]>
                {
                    [CountSpans.Minute] = Series(minute - TimeSpan.FromDays(4), minute, TimeSpan.FromMinutes(1)),
                    [CountSpans.Hour] = Series(CountSpans.Floor(CountSpans.Hour, minute) - TimeSpan.FromDays(35), CountSpans.Floor(CountSpans.Hour, minute), TimeSpan.FromHours(1)),
                    [CountSpans.Day] = Series(CountSpans.Floor(CountSpans.Day, minute) - TimeSpan.FromDays(35), CountSpans.Floor(CountSpans.Day, minute), TimeSpan.FromDays(1)),
                };
            Console.Error.WriteLine($"Buckets per SLO: {buckets[CountSpans.Minute].Length} minutes, {buckets[CountSpans.Hour].Length} hours, {buckets[CountSpans.Day].Length} days{(sparse ? " (sparse)" : "")}");
            await db.Database.ExecuteSqlRawAsync("""
                INSERT INTO slo_counts (slo_id, span, bucket, good, total, good_slices, slices)
                SELECT d.id, 0, m, t - CASE WHEN hashtext(d.id::text) % 100 = 0 AND m > {0} - interval '1 hour' THEN t / 5 ELSE (extract(minute from m)::int % 20 = 0)::int END, t,
                       1, 1
                FROM slo_definitions d, unnest({1}) AS m,
                     LATERAL (SELECT 100 + (extract(epoch from m)::bigint / 60 + hashtext(d.id::text)) % 100 AS t) AS traffic
                ORDER BY m
                """, minute, buckets[CountSpans.Minute]);
            Console.Error.WriteLine($"Minute rows written in {generate.Elapsed.TotalSeconds:0} s");
            await db.Database.ExecuteSqlRawAsync("""
                INSERT INTO slo_counts (slo_id, span, bucket, good, total, good_slices, slices)
                SELECT d.id, 1, h, 8940 - 3, 8940, 59, 60 FROM slo_definitions d, unnest({0}) AS h ORDER BY h;
                INSERT INTO slo_counts (slo_id, span, bucket, good, total, good_slices, slices)
                SELECT d.id, 2, g, 214560 - 72, 214560, 1416, 1440 FROM slo_definitions d, unnest({1}) AS g ORDER BY g;
                """, buckets[CountSpans.Hour], buckets[CountSpans.Day]);
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
        if (routing)
        {
            await SeedRoutingAsync(options, (count + 1) / 2, now);
        }

        // Loopback receivers: the generic webhook of alert changes, PagerDuty Events v2 and Slack for incidents.
        await using var webhook = new WebhookRecorder();
        await using var pagerDuty = new WebhookRecorder();
        await using var slack = new WebhookRecorder();
        await using var personal = new WebhookRecorder(); // every on-call person's own webhook (their contact)
        using var http = new TimedHttp();
        var notifications = Options.Create(new NotificationOptions { WebhookUrl = routing ? webhook.Url : null, PublicUrl = "https://portal.example.com" });
        var receivers = new Portal.Web.Features.Incidents.IncidentsOptions();
        if (routing)
        {
            receivers.Receivers.Add(new() { Url = pagerDuty.Url, Format = "pagerduty", RoutingKey = "benchmark-routing-key", Severities = ["page"] });
            receivers.Receivers.Add(new() { Url = slack.Url, Format = "slack" });
        }
        var dbFactory = new PooledDbContextFactory<PortalDbContext>(options);
        if (routing)
        {
            await using var seed = await dbFactory.CreateDbContextAsync();
            foreach (var person in Enumerable.Range(0, 100).SelectMany(t => new[] { $"user-{t}-a", $"user-{t}-b", $"user-{t}-c" }))
            {
                seed.Add(new Portal.Web.Features.Incidents.OnCallContact { UserName = person, WebhookFormat = "json", WebhookUrl = personal.Url, UpdatedBy = "benchmark" });
            }
            await seed.SaveChangesAsync();
        }
        // The incidents listener and the maintenance suppressor as the portal registers them, timed.
        var incidents = new TimedListener(new Portal.Web.Features.Incidents.IncidentAlertListener(dbFactory, new Portal.Web.Features.Incidents.IncidentNotifier(http,
            Options.Create(receivers), notifications, new Portal.Web.Features.Incidents.IncidentMailer(Options.Create(receivers)),
            new Portal.Web.Features.Incidents.OnCallContactPager(dbFactory, http, Options.Create(receivers),
                Options.Create(new Portal.Web.Features.Incidents.OnCallContactsOptions { AllowLoopback = true }),
                new Portal.Web.Features.Incidents.IncidentMailer(Options.Create(receivers)), NullLogger<Portal.Web.Features.Incidents.OnCallContactPager>.Instance),
            [new Portal.Web.Features.Delivery.DeliveryIncidentListener(dbFactory, Options.Create(new Portal.Web.Features.Delivery.DeliveryOptions()))],
            NullLogger<Portal.Web.Features.Incidents.IncidentNotifier>.Instance), Options.Create(receivers)));
        var suppressor = new TimedSuppressor(new Portal.Web.Features.Incidents.MaintenanceSuppressor(dbFactory));
        var job = new SloAlertJob(dbFactory, clock,
            new WebhookNotifier(http, notifications, NullLogger<WebhookNotifier>.Instance), [incidents], [suppressor], NullLogger<SloAlertJob>.Instance);
        // The figures alone (one query for every SLO's windows), then whole cycles.
        await using (var db = new PortalDbContext(options))
        {
            var slos = await db.Set<SloDefinition>().AsNoTracking().ToListAsync();
            if (args.Contains("--explain"))
            {
                await db.Database.OpenConnectionAsync();
                var segments = SloEvaluation.Plan(slos, clock.Now).SelectMany(g => g.Windows.Values.Append(g.PeriodWindow)).SelectMany(w => w.Segments)
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
                await SloEvaluation.EvaluateAsync(db, slos, clock.Now, allSlos: true, CancellationToken.None);
                Console.Error.WriteLine($"figures of {slos.Count:N0} SLOs: {figures.Elapsed.TotalMilliseconds:0} ms");
            }
        }
        var times = new List<double>();
        var phases = new List<string>();
        for (var cycle = 0; cycle <= cycles; cycle++)
        {
            clock.Now += cycle == 0 ? TimeSpan.Zero : TimeSpan.FromMinutes(1);
            var (listened, suppressed, posts, postTime, commandsBefore) = (incidents.Elapsed, suppressor.Elapsed, http.Posts, http.Elapsed, commands.Count);
            var (hooks, pages, chats, people) = (webhook.Received.Count, pagerDuty.Received.Count, slack.Received.Count, personal.Received.Count);
            var watch = Stopwatch.StartNew();
            await job.RunAsync(CancellationToken.None);
            var ms = watch.Elapsed.TotalMilliseconds;
            var line = $"cycle {cycle} (minute {clock.Now:HH:mm}): {ms:0} ms; incidents listener {(incidents.Elapsed - listened).TotalMilliseconds:0} ms " +
                $"({incidents.LastChanges} changes), suppressor {(suppressor.Elapsed - suppressed).TotalMilliseconds:0} ms, {http.Posts - posts} posts " +
                $"({(http.Elapsed - postTime).TotalMilliseconds:0} ms: webhook {webhook.Received.Count - hooks}, PagerDuty {pagerDuty.Received.Count - pages}, " +
                $"Slack {slack.Received.Count - chats}, on-call person {personal.Received.Count - people}), {commands.Count - commandsBefore} EF commands";
            Console.Error.WriteLine(line);
            phases.Add(line);
            incidents.LastChanges = 0;
            if (cycle > 0)
            {
                times.Add(ms); // the first cycle warms caches and the JIT (and opens the pending episodes)
            }
        }
        int firing, opened;
        await using (var db = new PortalDbContext(options))
        {
            firing = await db.Set<SloAlert>().CountAsync(a => a.State != AlertStates.Resolved);
            opened = await db.Set<Portal.Web.Features.Incidents.Incident>().CountAsync();
        }
        var sorted = times.Order().ToList();
        Console.WriteLine($"# {Command} --slos {count} --cycles {cycles}{(sparse ? " --sparse" : "")}{(routing ? "" : " --no-routing")}");
        foreach (var line in phases)
        {
            Console.WriteLine(line);
        }
        Console.WriteLine($"{count:N0} SLOs with 30 days of counts ({rows:N0} rows{(sparse ? ", sparse" : "")}), routing and incidents {(routing ? "on" : "off")}: " +
            $"alert cycle median {EnvironmentFigures.Percentile(sorted, 0.5):0} ms, slowest {sorted[^1]:0} ms over {cycles} cycles; {firing} alert episodes open, " +
            $"{opened} incidents; {webhook.Received.Count} webhook, {pagerDuty.Received.Count} PagerDuty, {slack.Received.Count} Slack messages, {personal.Received.Count} to the on-call person");
        return 0;
    }

    private static DateTimeOffset[] Series(DateTimeOffset from, DateTimeOffset to, TimeSpan step)
    {
        var list = new List<DateTimeOffset>();
        for (var at = from; at <= to; at += step)
        {
            list.Add(at);
        }
        return [.. list];
    }

    /// <summary>Per span, the buckets the cycles from <paramref name="start"/> read: the union of every window's segments.</summary>
    private static Dictionary<short, DateTimeOffset[]> ReadBuckets(List<SloDefinition> slos, DateTimeOffset start, int cycles)
    {
        var buckets = new[] { CountSpans.Minute, CountSpans.Hour, CountSpans.Day }.ToDictionary(s => s, _ => new SortedSet<DateTimeOffset>());
        for (var cycle = 0; cycle <= cycles + 1; cycle++)
        {
            var segments = SloEvaluation.Plan(slos, start + TimeSpan.FromMinutes(cycle)).SelectMany(g => g.Windows.Values.Append(g.PeriodWindow))
                .SelectMany(w => w.Segments).Distinct();
            foreach (var segment in segments)
            {
                for (var at = segment.From; at < segment.To; at += CountSpans.Length(segment.Span))
                {
                    buckets[segment.Span].Add(at);
                }
            }
        }
        return buckets.ToDictionary(b => b.Key, b => b.Value.ToArray());
    }

    /// <summary>
    /// What routing needs, as the catalog and on-call features store it: every component with an owner (one of 100 teams),
    /// a runbook link and two components that depend on it; one on-call schedule per team with two layers.
    /// </summary>
    private static async Task SeedRoutingAsync(DbContextOptions<PortalDbContext> options, int components, DateTimeOffset now)
    {
        await using var db = new PortalDbContext(options);
        db.Database.SetCommandTimeout(TimeSpan.FromHours(1));
        await db.Database.ExecuteSqlRawAsync("""
            INSERT INTO catalog_entities (id, entity_ref, kind, namespace, name, owner, tags, filter_keys, document, trusted_for_identity, created_at, updated_at)
            SELECT gen_random_uuid(), 'component:default/' || n, 'component', 'default', n, 'group:default/team-' || (i % 100), ARRAY[]::text[], ARRAY[]::text[],
                   jsonb_build_object('apiVersion', 'backstage.io/v1alpha1', 'kind', 'Component',
                       'metadata', jsonb_build_object('name', n, 'links', jsonb_build_array(jsonb_build_object('url', 'https://runbooks.example.com/' || n, 'title', 'Runbook'))),
                       'spec', jsonb_build_object('type', 'service', 'lifecycle', 'production', 'owner', 'team-' || (i % 100))),
                   false, {1}, {1}
            FROM generate_series(0, {0} - 1) AS i, LATERAL (SELECT 'service-' || lpad(i::text, 5, '0') AS n) AS names;
            INSERT INTO catalog_relations (source_ref, type, target_ref, origin_ref)
            SELECT 'component:default/service-' || lpad(((i + k) % {0})::text, 5, '0'), 'dependsOn', 'component:default/service-' || lpad(i::text, 5, '0'),
                   'component:default/service-' || lpad(((i + k) % {0})::text, 5, '0')
            FROM generate_series(0, {0} - 1) AS i, generate_series(1, 2) AS k;
            ANALYZE catalog_entities; ANALYZE catalog_relations;
            """, components, now);
        for (var team = 0; team < 100; team++)
        {
            db.Add(new Portal.Web.Features.Incidents.OnCallSchedule
            {
                Name = $"team-{team}-primary", Team = $"group:default/team-{team}", UpdatedAt = now, UpdatedBy = "benchmark",
                Layers =
                [
                    new("primary", [$"user-{team}-a", $"user-{team}-b"], now.AddDays(-10), 168, 5),
                    new("secondary", [$"user-{team}-c"], now.AddDays(-10), 168, 10),
                ],
            });
        }
        await db.SaveChangesAsync();
    }

    /// <summary>The job's clock, moved by the harness.</summary>
    private sealed class SteppedClock(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = start;

        public override DateTimeOffset GetUtcNow() => Now;
    }

    /// <summary>Commands EF sends (the raw Npgsql figures query is not counted): round trips per cycle.</summary>
    private sealed class CommandCounter : Microsoft.EntityFrameworkCore.Diagnostics.DbCommandInterceptor
    {
        private long _count;

        public long Count => Interlocked.Read(ref _count);

        public override ValueTask<Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult<System.Data.Common.DbDataReader>> ReaderExecutingAsync(
            System.Data.Common.DbCommand command, Microsoft.EntityFrameworkCore.Diagnostics.CommandEventData eventData,
            Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult<System.Data.Common.DbDataReader> result, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _count);
            return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
        }

        public override ValueTask<Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult<int>> NonQueryExecutingAsync(System.Data.Common.DbCommand command,
            Microsoft.EntityFrameworkCore.Diagnostics.CommandEventData eventData, Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult<int> result,
            CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _count);
            return base.NonQueryExecutingAsync(command, eventData, result, cancellationToken);
        }

        public override ValueTask<Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult<object>> ScalarExecutingAsync(System.Data.Common.DbCommand command,
            Microsoft.EntityFrameworkCore.Diagnostics.CommandEventData eventData, Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult<object> result,
            CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _count);
            return base.ScalarExecutingAsync(command, eventData, result, cancellationToken);
        }
    }

    /// <summary>HTTP clients whose requests are counted and timed (all notification posts of a cycle).</summary>
    private sealed class TimedHttp : IHttpClientFactory, IDisposable
    {
        private readonly SocketsHttpHandler _handler = new() { MaxConnectionsPerServer = 64 };
        private long _posts, _ticks;

        public long Posts => Interlocked.Read(ref _posts);
        public TimeSpan Elapsed => TimeSpan.FromTicks(Interlocked.Read(ref _ticks));

        // The shared handler outlives the clients (disposeHandler: false), as IHttpClientFactory's pooled handlers do.
        public HttpClient CreateClient(string name) => new(new Timing(this, _handler), disposeHandler: false) { Timeout = TimeSpan.FromSeconds(30) };

        public void Dispose() => _handler.Dispose();

        private sealed class Timing(TimedHttp owner, HttpMessageHandler inner) : DelegatingHandler(inner)
        {
            protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
            {
                var watch = Stopwatch.StartNew();
                try
                {
                    return await base.SendAsync(request, cancellationToken);
                }
                finally
                {
                    Interlocked.Increment(ref owner._posts);
                    Interlocked.Add(ref owner._ticks, watch.Elapsed.Ticks);
                }
            }
        }
    }

    private sealed class TimedListener(IAlertListener inner) : IAlertListener
    {
        public TimeSpan Elapsed { get; private set; }
        public int LastChanges { get; set; }

        public async Task OnAlertsAsync(IReadOnlyList<AlertChange> changes, CancellationToken cancellationToken)
        {
            var watch = Stopwatch.StartNew();
            LastChanges += changes.Count;
            try
            {
                await inner.OnAlertsAsync(changes, cancellationToken);
            }
            finally
            {
                Elapsed += watch.Elapsed;
            }
        }
    }

    private sealed class TimedSuppressor(IAlertSuppressor inner) : IAlertSuppressor
    {
        public TimeSpan Elapsed { get; private set; }

        public async Task<IReadOnlySet<string>> SuppressedAsync(IReadOnlyCollection<string> componentRefs, DateTimeOffset at, CancellationToken cancellationToken)
        {
            var watch = Stopwatch.StartNew();
            try
            {
                return await inner.SuppressedAsync(componentRefs, at, cancellationToken);
            }
            finally
            {
                Elapsed += watch.Elapsed;
            }
        }
    }
}
