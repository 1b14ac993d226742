using Portal.Web.Features.Templates;
using Copy = Portal.Web.Features.Templates.PublishedCleanupPlan.Copy;

namespace Portal.Tests.Templates;

public sealed class PublishedCleanupPlanTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 3, 41, 0, TimeSpan.Zero);
    private const long MB = 1024 * 1024;

    private static Copy Made(int daysAgo, long mb, bool finished = true) => new(Guid.NewGuid(), Now.AddDays(-daysAgo), mb * MB, finished);

    [Fact]
    public void Copies_unused_past_retention_go_and_recent_ones_stay()
    {
        var old = Made(31, 1);
        var recent = Made(29, 1);
        Assert.Equal([old], PublishedCleanupPlan.Evict([old, recent], Now, TimeSpan.FromDays(30), 100 * MB));
    }

    [Fact]
    public void A_running_task_s_copy_is_never_evicted_however_old_or_big()
    {
        var running = Made(400, 500, finished: false);
        Assert.Empty(PublishedCleanupPlan.Evict([running], Now, TimeSpan.FromDays(30), 1 * MB));
    }

    [Fact]
    public void Above_the_size_limit_the_least_recently_used_finished_copies_go_first_until_it_fits()
    {
        var a = Made(10, 40);
        var b = Made(5, 40);
        var c = Made(1, 40);
        var running = Made(20, 40, finished: false);
        // 160 MB kept, limit 100: a (oldest finished) then b go; the running one stays although it is older.
        Assert.Equal([a, b], PublishedCleanupPlan.Evict([c, running, b, a], Now, TimeSpan.FromDays(30), 100 * MB));
    }

    [Fact]
    public void Nothing_goes_when_everything_is_recent_and_within_the_limit()
    {
        Assert.Empty(PublishedCleanupPlan.Evict([Made(1, 10), Made(2, 10)], Now, TimeSpan.FromDays(30), 100 * MB));
    }

    [Theory]
    [InlineData("0123456789abcdef0123456789abcdef.git", true)]
    [InlineData("0123456789ABCDEF0123456789abcdef.git", false)]
    [InlineData("0123456789abcdef0123456789abcdef", false)]
    [InlineData(".evicting-0123456789abcdef0123456789abcdef", false)]
    [InlineData("../0123456789abcdef0123456789abcdef.git", false)]
    public void Only_names_the_publisher_makes_are_copies(string name, bool isCopy) =>
        Assert.Equal(isCopy, PublishedMirror.TryTaskId(name, out _));
}
