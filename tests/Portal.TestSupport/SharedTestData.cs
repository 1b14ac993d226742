namespace Portal.TestSupport;

/// <summary>
/// The read-only public test data (Backstage example catalog, FOCUS sample) kept beside the
/// repository in <c>../shared/testdata</c>. PORTAL_TESTDATA points elsewhere when a checkout
/// lives somewhere else (e.g. a clone in /tmp).
/// </summary>
public static class SharedTestData
{
    private static readonly Lazy<string> RootPath = new(FindRoot);

    public static string Root => RootPath.Value;

    public static string BackstageExample(string relative) => Path.Combine(Root, "backstage-examples", relative);

    private static string FindRoot()
    {
        var candidates = new List<string?>
        {
            Environment.GetEnvironmentVariable("PORTAL_TESTDATA"),
            Path.Combine(PortalProcess.RepositoryRoot(), "..", "shared", "testdata"),
            "/work/shared/testdata",
        };
        foreach (var candidate in candidates.OfType<string>())
        {
            if (Directory.Exists(Path.Combine(candidate, "backstage-examples")))
            {
                return Path.GetFullPath(candidate);
            }
        }
        throw new DirectoryNotFoundException(
            "The shared test data was not found next to the repository (../shared/testdata). Set PORTAL_TESTDATA to its folder.");
    }
}
