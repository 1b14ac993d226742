using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Jobs;
using Microsoft.EntityFrameworkCore;
using Portal.TestSupport;
using Portal.Web.Data;
using Portal.Web.Features.Catalog;
using Portal.Web.Infrastructure.Postgres;
using Portal.Web.Features.Catalog.Search;

namespace Portal.Benchmarks;

/// <summary>
/// Catalog reads against a real (embedded) PostgreSQL holding <see cref="Entities"/> generated
/// entities: the home page figures, a filtered page of the list, and a text search.
/// </summary>
[SimpleJob(RuntimeMoniker.Net10_0, launchCount: 1, warmupCount: 3, iterationCount: 15)]
[MemoryDiagnoser]
[MedianColumn]
public class CatalogQueryBenchmarks
{
    private EmbeddedPostgres? _server;
    private DbContextOptions<PortalDbContext> _options = null!;
    private string _dir = "";

    [Params(10_000)]
    public int Entities { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _dir = TestCluster.NewDataDirectory("bench");
        _server = EmbeddedPostgres.Start(TestCluster.FastOptions(_dir));
        _options = new DbContextOptionsBuilder<PortalDbContext>()
            .UseNpgsql(_server.ConnectionString).UseSnakeCaseNamingConvention().Options;
        using var db = new PortalDbContext(_options);
        db.Database.Migrate();
        var now = DateTimeOffset.UtcNow;
        string[] lifecycles = ["production", "experimental", "deprecated"];
        for (var batch = 0; batch < Entities; batch += 2_000)
        {
            for (var i = batch; i < Math.Min(batch + 2_000, Entities); i++)
            {
                var descriptor = new
                {
                    apiVersion = "backstage.io/v1alpha1",
                    kind = "Component",
                    metadata = new { name = $"service-{i:D6}", description = $"Generated service number {i}", tags = new[] { "generated", $"tier-{i % 4}" } },
                    spec = new { type = "service", lifecycle = lifecycles[i % 3], owner = $"team-{i % 50:D2}", system = $"system-{i % 200:D3}" },
                };
                db.CatalogEntities.Add(CatalogEntityMapper.ToEntity(JsonDocument.Parse(JsonSerializer.Serialize(descriptor)), now));
            }
            db.SaveChanges();
            db.ChangeTracker.Clear();
        }
        db.Database.ExecuteSqlRaw("ANALYZE");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _server?.Dispose();
        TestCluster.TryDelete(_dir);
    }

    [Benchmark(Description = "home figures")]
    public async Task<int> HomeFigures()
    {
        await using var db = new PortalDbContext(_options);
        return (await CatalogFigures.LoadAsync(db, CancellationToken.None)).Components;
    }

    [Benchmark(Description = "list: kind+owner, first page of 25")]
    public async Task<int> FilteredPage()
    {
        await using var db = new PortalDbContext(_options);
        var query = CatalogSearch.Apply(db, db.CatalogEntities.AsNoTracking(), ["kind=component,spec.owner=team-07"], null);
        var total = await query.CountAsync();
        var page = await query.OrderBy(e => e.Name).Take(25).ToListAsync();
        return total + page.Count;
    }

    [Benchmark(Description = "list: text search, first page of 25")]
    public async Task<int> TextSearch()
    {
        await using var db = new PortalDbContext(_options);
        var query = CatalogSearch.Apply(db, db.CatalogEntities.AsNoTracking(), [], "number 4242");
        var total = await query.CountAsync();
        var page = await query.OrderBy(e => e.Name).Take(25).ToListAsync();
        return total + page.Count;
    }
}
