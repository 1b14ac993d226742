using Microsoft.Extensions.Options;

namespace Portal.IntegrationTests.Catalog;

/// <summary>A refresh interval that cron cannot repeat exactly stops the portal at start, with the intervals that work.</summary>
public sealed class RefreshIntervalStartupTests
{
    [Fact]
    public void The_portal_refuses_to_start_with_a_refresh_interval_that_cron_cannot_repeat_exactly()
    {
        using var factory = new PortalAppFactory();
        factory.Settings["Portal:Catalog:RefreshIntervalMinutes"] = "45";

        var error = Assert.ThrowsAny<Exception>(() => factory.Server);

        var validation = Assert.IsType<OptionsValidationException>(error is AggregateException a ? a.Flatten().InnerExceptions.Single() : error);
        Assert.Contains("RefreshIntervalMinutes is 45", validation.Message, StringComparison.Ordinal);
        Assert.Contains("1440 (daily) or 10080 (weekly)", validation.Message, StringComparison.Ordinal);
    }
}
