using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.TestSupport;
using Portal.Web.Features.Cost;

namespace Portal.IntegrationTests.Cost;

/// <summary>The watched folder: files dropped in are imported once and moved aside.</summary>
public sealed class CostWatchFolderTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>
{
    [Fact]
    public async Task A_dropped_export_is_imported_once_and_moved_to_imported_and_a_bad_one_to_failed()
    {
        var folder = factory.EnvironmentsFolder + "-billing-drop";
        Directory.CreateDirectory(folder);
        factory.Settings["Portal:Cost:WatchFolder"] = folder;
        File.Copy(Path.Combine(SharedTestData.Root, "focus", "focus_sample.csv"), Path.Combine(folder, "aws-2024-09.csv"));
        await File.WriteAllTextAsync(Path.Combine(folder, "not-focus.csv"), "a,b\n1,2\n");
        var job = factory.Services.GetRequiredService<CostFolderImportJob>();

        Assert.Equal(2, await job.RunAsync(CancellationToken.None));
        Assert.Equal(0, await job.RunAsync(CancellationToken.None)); // nothing left to import

        Assert.Single(Directory.GetFiles(Path.Combine(folder, "imported")), f => f.EndsWith("aws-2024-09.csv", StringComparison.Ordinal));
        Assert.Single(Directory.GetFiles(Path.Combine(folder, "failed")), f => f.EndsWith("not-focus.csv", StringComparison.Ordinal));
        Assert.Empty(Directory.GetFiles(folder));
        await using var db = await factory.DbAsync();
        Assert.Equal(1000, await db.CostLineItems.CountAsync());
        Assert.Equal(["succeeded", "failed"], await db.CostImports.OrderBy(i => i.FileName).Select(i => i.Status).ToListAsync());
        await AuditAssert.RecordedAsync(factory, "cost.import", $"cost-import:{(await db.CostImports.FirstAsync(i => i.Status == "succeeded")).Id}", "cost-watch-folder");
    }
}
