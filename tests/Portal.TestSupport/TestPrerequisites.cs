using Portal.Web.Infrastructure.Postgres;

namespace Portal.TestSupport;

/// <summary>What <see cref="TestPrerequisites.Plan"/> decided for one missing or present program.</summary>
public enum PrerequisiteStep
{
    /// <summary>It is there: nothing to do.</summary>
    Present,

    /// <summary>Missing, and this machine can install Debian's package (root, apt-get present).</summary>
    Install,

    /// <summary>Missing, and nothing here can install it: stop with one line naming the command.</summary>
    Fail,
}

/// <summary>A decision and the one line that explains it (logged for Install, thrown for Fail).</summary>
public sealed record PrerequisitePlan(PrerequisiteStep Step, string Message);

/// <summary>
/// The programs the tests need beyond the .NET SDK: Chromium for the browser tests and PostgreSQL's server binaries
/// for the test cluster. The README's test command provides them itself, the way CI would: a missing one is installed
/// from Debian's packages when the test run is root with apt-get, otherwise the run stops with one line naming the
/// exact command. So <c>dotnet test Portal.sln</c> passes on a fresh machine with nothing installed by hand.
/// </summary>
public static class TestPrerequisites
{
    public const string ChromiumVariable = "PORTAL_CHROMIUM";
    public const string DefaultChromium = "/usr/bin/chromium";
    private const string AptGet = "/usr/bin/apt-get";

    private static readonly Lazy<string> Chromium = new(() => EnsureChromium(Environment.GetEnvironmentVariable(ChromiumVariable)));
    private static readonly Lazy<bool> Postgres = new(() =>
    {
        Ensure("postgresql", "PostgreSQL's server binaries (initdb, pg_ctl)", () => PostgresBinaries.Find(null) is not null);
        return true;
    });

    /// <summary>The Chromium binary the browser tests drive, installed first if it is missing.</summary>
    public static string ChromiumPath => Chromium.Value;

    /// <summary>Makes sure PostgreSQL's server binaries are on this machine, for the test cluster.</summary>
    public static void EnsurePostgres() => _ = Postgres.Value;

    /// <summary>The pure decision: what to do about a program that is (not) <paramref name="present"/>.</summary>
    public static PrerequisitePlan Plan(string package, string what, bool present, bool isRoot, bool hasAptGet)
    {
        if (present)
        {
            return new PrerequisitePlan(PrerequisiteStep.Present, "");
        }
        var command = $"apt-get install -y {package}";
        return isRoot && hasAptGet
            ? new PrerequisitePlan(PrerequisiteStep.Install, $"{what} not found: installing Debian's package with '{command}', as CI does.")
            : new PrerequisitePlan(PrerequisiteStep.Fail, $"{what} not found. Install it with: sudo {command}");
    }

    /// <summary>
    /// PORTAL_CHROMIUM, when set, is the only candidate (falling back silently would hide a typo, as with PostgreSQL's
    /// BinDirectory); otherwise Debian's <c>/usr/bin/chromium</c>, installed if missing.
    /// </summary>
    public static string EnsureChromium(string? configured)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return File.Exists(configured)
                ? configured
                : throw new InvalidOperationException($"{ChromiumVariable} is set to {configured}, which does not exist. Unset it to use Debian's chromium ({DefaultChromium}, installed by the tests when missing).");
        }
        Ensure("chromium", $"Chromium ({DefaultChromium})", () => File.Exists(DefaultChromium));
        return DefaultChromium;
    }

    /// <summary>Carries out <see cref="Plan"/>: logs one line and installs, or throws the one line that says what to run.</summary>
    /// <returns>What was decided (Present or Install; Fail throws).</returns>
    public static PrerequisiteStep Ensure(string package, string what, Func<bool> isPresent, TextWriter? log = null)
    {
        var plan = Plan(package, what, isPresent(), Environment.UserName == "root", File.Exists(AptGet));
        if (plan.Step == PrerequisiteStep.Present)
        {
            return plan.Step;
        }
        if (plan.Step == PrerequisiteStep.Fail)
        {
            throw new InvalidOperationException(plan.Message);
        }
        // The test projects run side by side: one installs, the other waits for it and then finds the program.
        using var installLock = ToolProcess.Lock(Path.Combine(Path.GetTempPath(), "portal-tests-apt.lock"));
        if (isPresent())
        {
            return PrerequisiteStep.Present;
        }
        (log ?? Console.Error).WriteLine(plan.Message);
        // The package lists may be missing or old on a fresh machine: update first, as CI did; an update that fails
        // (a mirror down) still leaves the install to try with the lists there are.
        var (_, stdout, stderr) = ToolProcess.Run("sh", Path.GetTempPath(), InstallTimeout, new Dictionary<string, string> { ["DEBIAN_FRONTEND"] = "noninteractive" },
            "-c", $"{AptGet} update -q; {AptGet} install -y -q {package}");
        var output = stdout + stderr;
        return isPresent()
            ? plan.Step
            : throw new InvalidOperationException($"{what} is still missing after 'apt-get install -y {package}': {LastLines(output)}");
    }

    /// <summary>Long enough for Chromium and its libraries from a slow mirror; apt itself gives up on a stalled connection sooner.</summary>
    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(15);

    private static string LastLines(string output) =>
        string.Join(" | ", output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).TakeLast(3));
}
