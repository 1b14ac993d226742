// Types that break the architecture rules on purpose, so ArchitectureTests can show its engine finds each kind of
// violation. They live under their own features root (Fixtures.Features), which the real check never reads. (Constants
// are inlined by the compiler and leave no reference in IL, hence the method call.)
#pragma warning disable CA1812, CA1822, CA1515
namespace Portal.Tests.Foundation.Fixtures.Features.Catalog
{
    public sealed class FixtureCatalogEntity
    {
        public string Name { get; set; } = "";
    }

    /// <summary>Catalog naming a feature: forbidden.</summary>
    public sealed class FixtureCatalogPage
    {
        public string Render() => new Slo.FixtureSloCard().Title;
    }
}

namespace Portal.Tests.Foundation.Fixtures.Features.Slo
{
    /// <summary>Slo naming Cost: forbidden.</summary>
    public sealed class FixtureSloCard
    {
        public string Title => "SLOs " + Cost.FixtureCostFigures.Live();
    }
}

namespace Portal.Tests.Foundation.Fixtures.Features.Cost
{
    public static class FixtureCostFigures
    {
        public const decimal Total = 1m;
        public static decimal Live() => Total;
    }

    /// <summary>Cost naming Environments' table (forbidden) and its read surface (allowed).</summary>
    public sealed class FixtureCostJob
    {
        public int Run() => new Environments.FixtureEnvironmentTable().Id + Environments.EnvironmentReads.Count();
    }
}

namespace Portal.Tests.Foundation.Fixtures.Features.Environments
{
    public sealed class FixtureEnvironmentTable
    {
        public int Id { get; set; }
    }

    public static class EnvironmentReads
    {
        public static int Count() => 0;
    }
}

namespace Portal.Tests.Foundation.Fixtures.Features.Templates
{
    /// <summary>Templates reading the catalog's table: forbidden; naming the catalog's other types is allowed.</summary>
    public sealed class FixtureTemplatePicker
    {
        public string Pick() => new Catalog.FixtureCatalogEntity().Name;
    }
}
