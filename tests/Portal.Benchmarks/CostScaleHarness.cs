using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Portal.TestSupport;
using Portal.Web.Data;
using Portal.Web.Features.Cost;
using Portal.Web.Features.Environments;
using Portal.Web.Features.Identity;

// Random only makes test data; a fixed seed keeps runs comparable.
#pragma warning disable CA5394

namespace Portal.Benchmarks;

/// <summary>
/// FOCUS import and cost queries at scale, through the real importer and queries on the test cluster:
/// <code>dotnet run -c Release --project tests/Portal.Benchmarks -- cost-scale [--rows 1000000] [--queries 50] [--runs 1]</code>
/// Generates a FOCUS CSV file (hourly charges, 3 providers, tags for 200 components). Each run first COPYs the same file
/// into an unindexed table of a fresh database (all columns text, then typed: numeric, timestamptz, jsonb), then imports it
/// through the importer into another fresh database, so the ratio compares like with like on the same machine minute;
/// medians over the runs. Then p50/p95 of the summary and daily queries over all rows.
/// </summary>
public static class CostScaleHarness
{
    private const string Command = "dotnet run -c Release --project tests/Portal.Benchmarks -- cost-scale";

    public static async Task<int> RunAsync(string[] args)
    {
        var rows = HarnessArgs.Number(args, "--rows", 1_000_000);
        var queries = HarnessArgs.Number(args, "--queries", 50);
        var runs = HarnessArgs.Number(args, "--runs", 1);
        var file = Path.Combine(TestCluster.Root, $"focus-{rows}.csv");
        var generate = Stopwatch.StartNew();
        await GenerateAsync(file, rows);
        Console.Error.WriteLine($"Generated {rows:N0} rows ({new FileInfo(file).Length / 1024 / 1024:N0} MB) in {generate.Elapsed.TotalSeconds:0.0} s");

        // The reader and attribution alone (no database): how much of the import is the portal's own CPU.
        var readOnly = await ReadOnlyAsync(file);
        Console.Error.WriteLine($"Reader and attribution alone: {rows / readOnly:N0} rows/s ({readOnly:0.0} s)");

        var copyText = new List<double>();
        var copyTyped = new List<double>();
        var imports = new List<double>();
        DbContextOptions<PortalDbContext> options = null!;
        CostImport result = null!;
        long peak = 0, before = Process.GetCurrentProcess().PeakWorkingSet64;
        for (var run = 1; run <= runs; run++)
        {
            copyText.Add(await CopyAsync(file, typed: false));
            copyTyped.Add(await CopyAsync(file, typed: true));
            options = new DbContextOptionsBuilder<PortalDbContext>().UseNpgsql(TestCluster.CreateDatabase(), npgsql => npgsql.CommandTimeout(1800))
                .UseSnakeCaseNamingConvention().Options;
            await using (var setup = new PortalDbContext(options))
            {
                await setup.Database.MigrateAsync();
            }
            var import = Stopwatch.StartNew();
            await using (var db = new PortalDbContext(options))
            await using (var stream = File.OpenRead(file))
            {
                result = await CostImporter.ImportAsync(db, stream, file, AuditActor.System, new CostAttributionOptions(), TimeProvider.System, CancellationToken.None);
            }
            imports.Add(import.Elapsed.TotalSeconds);
            peak = Process.GetCurrentProcess().PeakWorkingSet64;
            Console.Error.WriteLine(
                $"Run {run}: COPY text {rows / copyText[^1]:N0} rows/s, COPY typed {rows / copyTyped[^1]:N0} rows/s, import {result.Rows:N0} rows in {imports[^1]:0.0} s = {result.Rows / imports[^1]:N0} rows/s (ratio {copyText[^1] / imports[^1]:0.00} / {copyTyped[^1] / imports[^1]:0.00}); load {LoadAverage()}");
        }
        var importSeconds = Median(imports);

        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"Command: `{Command} --rows {rows} --queries {queries} --runs {runs}`  ");
        report.AppendLine(CultureInfo.InvariantCulture, $"Machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}  ");
        report.AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture,
            $"Import: {result.Rows:N0} rows, {new FileInfo(file).Length / 1024 / 1024:N0} MB, median of {runs} {importSeconds:0.0} s = **{result.Rows / importSeconds:N0} rows/s** (runs: {string.Join(", ", imports.Select(i => (result.Rows / i).ToString("N0", CultureInfo.InvariantCulture)))}); peak working set {peak / 1024 / 1024:N0} MB (before: {before / 1024 / 1024:N0} MB)");
        report.AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture,
            $"COPY of the same file, same runs (medians): text columns {rows / Median(copyText):N0} rows/s, typed columns {rows / Median(copyTyped):N0} rows/s; import / COPY ratio **{Median(copyText.Zip(imports, (c, i) => c / i).ToList()):0.00}** (text) and **{Median(copyTyped.Zip(imports, (c, i) => c / i).ToList()):0.00}** (typed); load average at the end {LoadAverage()}");
        report.AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture, $"Reader and attribution alone (no database, before the runs): {rows / readOnly:N0} rows/s ({readOnly:0.0} s)");
        report.AppendLine();
        report.AppendLine("| Query | p50 (ms) | p95 (ms) | max (ms) |");
        report.AppendLine("|---|---:|---:|---:|");
        await using (var db = new PortalDbContext(options))
        {
            await db.Database.ExecuteSqlRawAsync("ANALYZE cost_line_items; ANALYZE cost_daily");
            var (from, to) = await CostQueries.DefaultWindowAsync(db, CancellationToken.None);
            await MeasureAsync(report, "summary by team, 30 days", queries, () => CostQueries.SummaryAsync(db, "team", from, to, null, null, CancellationToken.None));
            await MeasureAsync(report, "summary by serviceCategory, 30 days", queries, () => CostQueries.SummaryAsync(db, "serviceCategory", from, to, null, null, CancellationToken.None));
            await MeasureAsync(report, "summary by provider, 90 days", queries, () => CostQueries.SummaryAsync(db, "provider", to.AddDays(-90), to, null, null, CancellationToken.None));
            await MeasureAsync(report, "daily by team, 30 days", queries, () => CostQueries.DailyAsync(db, "team", from, to, null, CancellationToken.None));
        }
        Console.WriteLine(report);
        Directory.CreateDirectory("BenchmarkDotNet.Artifacts");
        await File.WriteAllTextAsync(Path.Combine("BenchmarkDotNet.Artifacts", "cost-scale.md"), report.ToString());
        File.Delete(file);
        return 0;
    }

    /// <summary>Reads and attributes every row of the file as the importer does, without a database; seconds.</summary>
    private static async Task<double> ReadOnlyAsync(string file)
    {
        var catalog = new CatalogNames(new HashSet<string>(StringComparer.Ordinal), new Dictionary<string, string?>(StringComparer.Ordinal));
        var rules = CostRules.Defaults(new CostAttributionOptions());
        var clock = Stopwatch.StartNew();
        using var text = new StreamReader(file, Encoding.UTF8, true, 1 << 16);
        var reader = FocusCsvReader.OpenDetailed(text).Reader!;
        long rows = 0;
        while (reader.Read() is { } next)
        {
            if (next.Row is { } row)
            {
                _ = CostRules.Apply(new ChargeFacts(row.AttributionTags, row.AttributionResourceId, row.SubAccountId, row.ServiceName), rules, catalog);
                rows++;
            }
        }
        await Task.CompletedTask;
        return clock.Elapsed.TotalSeconds;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    /// <summary>The baseline: a plain <c>COPY … (FORMAT csv, HEADER, NULL 'NULL')</c> of the file into an unindexed table of a fresh database; seconds.</summary>
    private static async Task<double> CopyAsync(string file, bool typed)
    {
        await using var connection = new NpgsqlConnection(TestCluster.CreateDatabase());
        await connection.OpenAsync();
        var columns = string.Join(", ", FocusCsvWriter.Header.Select(h => $"\"{h}\" {(typed ? TypeOf(h) : "text")}"));
        await using (var create = new NpgsqlCommand($"CREATE TABLE focus_copy ({columns})", connection))
        {
            await create.ExecuteNonQueryAsync();
        }
        var clock = Stopwatch.StartNew();
        using (var source = new StreamReader(file, Encoding.UTF8, false, 1 << 16))
        await using (var copy = await connection.BeginTextImportAsync("COPY focus_copy FROM STDIN (FORMAT csv, HEADER true, NULL 'NULL')"))
        {
            var buffer = new char[1 << 16];
            int read;
            while ((read = await source.ReadAsync(buffer)) > 0)
            {
                await copy.WriteAsync(buffer.AsMemory(0, read));
            }
        }
        return clock.Elapsed.TotalSeconds;

        static string TypeOf(string column) => column switch
        {
            "Tags" => "jsonb",
            _ when column.EndsWith("Cost", StringComparison.Ordinal) || column.EndsWith("Quantity", StringComparison.Ordinal) => "numeric",
            _ when column.Contains("Period", StringComparison.Ordinal) => "timestamptz",
            _ => "text",
        };
    }

    private static async Task MeasureAsync<T>(StringBuilder report, string name, int runs, Func<Task<T>> query)
    {
        for (var i = 0; i < 3; i++)
        {
            await query();
        }
        var times = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var clock = Stopwatch.StartNew();
            await query();
            times.Add(clock.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        report.AppendLine(CultureInfo.InvariantCulture,
            $"| {name} | {EnvironmentFigures.Percentile(times, 0.5):0.0} | {EnvironmentFigures.Percentile(times, 0.95):0.0} | {times[^1]:0.0} |");
        Console.Error.WriteLine($"{name}: p95 {EnvironmentFigures.Percentile(times, 0.95):0.0} ms");
    }

    private static async Task GenerateAsync(string path, int rows)
    {
        var random = new Random(20_261_126);
        string[] providers = ["AWS", "Microsoft", "Google Cloud"];
        string[] categories = ["Compute", "Storage", "Databases", "Networking", "Analytics"];
        var start = new DateTime(2026, 9, 1, 0, 0, 0, DateTimeKind.Utc);
        await using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
        FocusCsvWriter.WriteHeader(writer);
        for (var i = 0; i < rows; i++)
        {
            var component = random.Next(200);
            var hour = start.AddHours(i % (24 * 90));
            var tags = new Dictionary<string, string>
            {
                ["team"] = $"team-{component % 20}", ["service"] = $"service-{component}", ["env"] = component % 3 == 0 ? "dev" : "prod",
            };
            FocusCsvWriter.WriteRow(writer, FocusCsvWriter.Usage(hour, decimal.Round((decimal)random.NextDouble() * 3m, 6), providers[component % 3],
                $"Service {component % 40}", categories[component % 5], $"region-{component % 7}", $"res-{component}-{i % 50}", tags, $"acct-{component % 3}"));
        }
    }

}
