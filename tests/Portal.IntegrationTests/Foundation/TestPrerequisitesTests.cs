using Portal.TestSupport;

namespace Portal.IntegrationTests.Foundation;

/// <summary>
/// The README's test command installs what the tests need on a fresh machine (issue 26): the decision, the one line a
/// person sees, and the real install step through Debian's package manager on this machine.
/// </summary>
public sealed class TestPrerequisitesTests
{
    [Fact]
    public void A_present_program_is_left_alone()
    {
        var plan = TestPrerequisites.Plan("chromium", "Chromium", present: true, isRoot: true, hasAptGet: true);

        Assert.Equal(PrerequisiteStep.Present, plan.Step);
    }

    [Fact]
    public void A_missing_program_is_installed_from_debian_when_root_with_apt_get()
    {
        var plan = TestPrerequisites.Plan("chromium", "Chromium (/usr/bin/chromium)", present: false, isRoot: true, hasAptGet: true);

        Assert.Equal(PrerequisiteStep.Install, plan.Step);
        Assert.Equal("Chromium (/usr/bin/chromium) not found: installing Debian's package with 'apt-get install -y chromium', as CI does.", plan.Message);
    }

    [Theory]
    [InlineData(false, true)]  // not root: apt-get would ask for a password
    [InlineData(true, false)]  // not Debian
    public void A_missing_program_that_cannot_be_installed_stops_with_one_line_naming_the_command(bool isRoot, bool hasAptGet)
    {
        var plan = TestPrerequisites.Plan("postgresql", "PostgreSQL's server binaries", present: false, isRoot, hasAptGet);

        Assert.Equal(PrerequisiteStep.Fail, plan.Step);
        Assert.Equal("PostgreSQL's server binaries not found. Install it with: sudo apt-get install -y postgresql", plan.Message);
        Assert.DoesNotContain('\n', plan.Message);
    }

    [Fact]
    public void A_chromium_setting_that_points_nowhere_is_named_instead_of_silently_replaced()
    {
        var missing = Path.Combine(Path.GetTempPath(), "no-chromium-" + Guid.NewGuid().ToString("N"), "chromium");

        var error = Assert.Throws<InvalidOperationException>(() => TestPrerequisites.EnsureChromium(missing));

        Assert.Contains($"PORTAL_CHROMIUM is set to {missing}, which does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_install_step_runs_the_package_manager_and_finds_the_program_afterwards()
    {
        // The probe says "missing" once, as on a fresh machine; after the install it looks at the real binary.
        var probes = 0;
        bool Probe() => ++probes > 2 && File.Exists(TestPrerequisites.DefaultChromium);
        using var log = new StringWriter();

        if (Environment.UserName != "root" || !File.Exists("/usr/bin/apt-get"))
        {
            var error = Assert.Throws<InvalidOperationException>(() => TestPrerequisites.Ensure("chromium", "Chromium", Probe, log));
            Assert.Contains("sudo apt-get install -y chromium", error.Message, StringComparison.Ordinal);
            return;
        }

        var step = TestPrerequisites.Ensure("chromium", "Chromium", Probe, log);

        Assert.Equal(PrerequisiteStep.Install, step);
        Assert.Equal("Chromium not found: installing Debian's package with 'apt-get install -y chromium', as CI does.", log.ToString().Trim());
        Assert.True(File.Exists(TestPrerequisites.DefaultChromium));
    }
}
