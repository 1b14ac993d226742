using Portal.Web.Features.Slo;
using Portal.Web.Features.Slo.Pages;

namespace Portal.Tests.Slo;

public sealed class SloEditorFormTests
{
    private static SloDefinition Saved(SloRequest request, string component = "component:default/cart-service")
    {
        var slo = new SloDefinition { Name = "", ComponentRef = "", Indicator = "", CreatedBy = "test" };
        SloValidation.Apply(request, slo, component);
        return slo;
    }

    [Fact]
    public void A_new_form_has_no_errors_until_a_component_and_name_are_there()
    {
        var form = new SloEditorForm();

        Assert.Empty(form.Validate(isNew: true));
        Assert.False(form.Complete);
    }

    [Fact]
    public void Percent_fields_are_checked_in_percent_words()
    {
        var form = new SloEditorForm { Component = "component:default/cart-service", Name = "cart", TargetPercent = 100, BudgetingMethod = "Timeslices", SlicePercent = 0 };

        var errors = form.Validate(isNew: true);

        Assert.Equal("The objective is a percentage above 0 and below 100, e.g. 99.9.", errors["target"]);
        Assert.Equal("A percentage above 0 and at most 100, e.g. 95: the share of good requests that makes a minute good.", errors["timesliceTarget"]);
        Assert.Equal("The objective is a percentage above 0 and below 100, e.g. 99.9.",
            SloEditorForm.FieldError("target", form.ToRequest() with { Target = 0 }));
        Assert.Null(SloEditorForm.FieldError("target", form.ToRequest() with { Target = 0.999m }));
    }

    [Fact]
    public void Other_fields_keep_the_API_message()
    {
        var form = new SloEditorForm
        {
            Component = "component:default/cart-service", Name = "Not a label", Indicator = SliKinds.Latency, ThresholdSeconds = 0,
            CustomRules = true, RulesText = "urgent 1h 5m 2",
        };

        var errors = form.Validate(isNew: false);

        Assert.Equal("The name must be a DNS label: lower-case letters, digits and '-', at most 63 characters.", errors["name"]);
        Assert.Equal("A latency SLO needs a threshold in seconds greater than 0, e.g. 0.3.", errors["thresholdSeconds"]);
        Assert.Contains("alertPolicy", errors.Keys);
    }

    [Fact]
    public void The_name_is_suggested_until_the_person_types_one()
    {
        var form = new SloEditorForm { Component = "component:default/cart-service" };

        form.SuggestName(isNew: true);
        Assert.Equal("cart-service-availability", form.Name);
        form.Indicator = SliKinds.Latency;
        form.SuggestName(isNew: true);
        Assert.Equal("cart-service-latency", form.Name);
        form.Name = "checkout";
        form.SuggestName(isNew: true);
        Assert.Equal("checkout", form.Name);
    }

    [Fact]
    public void A_saved_latency_SLO_comes_back_unchanged_through_the_form()
    {
        var slo = Saved(new SloRequest("cart-latency", "Cart latency", "cart-service", SliKinds.Latency, 0.25m, 0.9990000000m,
            new SloWindowRequest("calendar", null, "Europe/Berlin"), "Timeslices", 0.95m, 100,
            null, [new AlertRuleRequest("page", "1h", "5m", 0.02m), new AlertRuleRequest("ticket", "3d", "6h", 0.1m)]));

        var form = SloEditorForm.From(slo);

        Assert.Equal(99.9m.ToString(System.Globalization.CultureInfo.InvariantCulture),
            form.TargetPercent!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("calendar", form.WindowChoice);
        Assert.Equal("page 1h 5m 2\nticket 3d 6h 10", form.RulesText);
        Assert.Empty(form.Validate(isNew: false));
        AssertSame(slo, Saved(form.ToRequest()));
    }

    [Fact]
    public void A_saved_ratio_SLO_comes_back_unchanged_through_the_form()
    {
        var slo = Saved(new SloRequest("orders", null, "cart-service", SliKinds.Ratio, null, 0.99m, new SloWindowRequest("rolling", 7, null), null, null, 0,
            new RatioIndicator("bad", new MetricSelector("orders.processed", new() { ["outcome"] = "failed" }), new MetricSelector("orders.processed")), null));

        var form = SloEditorForm.From(slo);

        Assert.Equal("rolling:7", form.WindowChoice);
        Assert.Equal("outcome=failed", form.EventsAttributes);
        Assert.False(form.CustomRules);
        Assert.Empty(form.Validate(isNew: false));
        AssertSame(slo, Saved(form.ToRequest()));
    }

    private static void AssertSame(SloDefinition expected, SloDefinition actual)
    {
        Assert.Equal(expected.Name, actual.Name);
        Assert.Equal(expected.DisplayName, actual.DisplayName);
        Assert.Equal(expected.Indicator, actual.Indicator);
        Assert.Equal(expected.ThresholdSeconds, actual.ThresholdSeconds);
        Assert.Equal(expected.Target, actual.Target);
        Assert.Equal((expected.WindowKind, expected.WindowDays, expected.TimeZone), (actual.WindowKind, actual.WindowDays, actual.TimeZone));
        Assert.Equal((expected.BudgetingMethod, expected.TimesliceTarget, expected.MinEvents), (actual.BudgetingMethod, actual.TimesliceTarget, actual.MinEvents));
        Assert.Equal(expected.AlertRules, actual.AlertRules);
        Assert.Equal(expected.Ratio?.Counts, actual.Ratio?.Counts);
        Assert.Equal(expected.Ratio?.Events.Metric, actual.Ratio?.Events.Metric);
        Assert.Equal(expected.Ratio?.Events.Attributes, actual.Ratio?.Events.Attributes);
        Assert.Equal(expected.Ratio?.Total.Metric, actual.Ratio?.Total.Metric);
        Assert.Equal(expected.Ratio?.Total.Attributes, actual.Ratio?.Total.Attributes);
    }
}
