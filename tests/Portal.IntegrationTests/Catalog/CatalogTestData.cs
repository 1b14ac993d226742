namespace Portal.IntegrationTests.Catalog;

/// <summary>The shared, read-only Backstage example catalog (../shared/testdata), next to the repository.</summary>
public static class CatalogTestData
{
    public static string Examples { get; } = Path.GetFullPath(Path.Combine(Portal.TestSupport.PortalProcess.RepositoryRoot(), "..", "shared", "testdata", "backstage-examples"));

    public static string File(string relative) => Path.Combine(Examples, relative);
}
