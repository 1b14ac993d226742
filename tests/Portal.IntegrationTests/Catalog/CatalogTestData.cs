namespace Portal.IntegrationTests.Catalog;

/// <summary>The shared, read-only Backstage example catalog.</summary>
public static class CatalogTestData
{
    public static string File(string relative) => Portal.TestSupport.SharedTestData.BackstageExample(relative);
}
