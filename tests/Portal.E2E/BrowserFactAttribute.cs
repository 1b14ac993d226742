namespace Portal.E2E;

/// <summary>
/// A browser test, failed after 10 minutes: the longest takes about 4 on a loaded 2-core machine. A test waiting on
/// something that never answers (a browser that stopped responding) then fails alone, and the tests after it still run;
/// the test host's own hang limit (tests/test.runsettings) is the backstop for a fixture that never returns.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute() => Timeout = (int)TimeSpan.FromMinutes(10).TotalMilliseconds;
}
