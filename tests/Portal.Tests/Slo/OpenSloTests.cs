using Portal.Web.Features.Slo;

namespace Portal.Tests.Slo;

public sealed class OpenSloTests
{
    private static SloDefinition Slo(Action<SloDefinition> change)
    {
        var slo = new SloDefinition { Name = "cart-latency", DisplayName = "Fast carts", ComponentRef = "component:default/cart-service", Indicator = SliKinds.Latency,
            ThresholdSeconds = 0.25m, Target = 0.95m, CreatedBy = "t" };
        change(slo);
        return slo;
    }

    [Theory]
    [InlineData("latency-rolling")]
    [InlineData("availability-calendar-timeslices")]
    public void Export_then_import_gives_the_same_slo(string variant)
    {
        var slo = variant == "latency-rolling"
            ? Slo(_ => { })
            : Slo(s =>
            {
                s.Indicator = SliKinds.Availability;
                s.ThresholdSeconds = null;
                s.Target = 0.999m;
                s.WindowKind = "calendar";
                s.TimeZone = "Europe/Berlin";
                s.BudgetingMethod = "Timeslices";
                s.TimesliceTarget = 0.99m;
            });

        var document = Assert.Single(OpenSlo.Read(OpenSlo.Write(slo)));
        var back = new SloDefinition { Name = "", ComponentRef = "", Indicator = "", CreatedBy = "t" };
        SloValidation.Apply(document.Slo!, back, document.Slo!.Component!);

        Assert.Empty(document.Errors);
        Assert.Equal((slo.Name, slo.DisplayName, slo.ComponentRef, slo.Indicator, slo.ThresholdSeconds, slo.Target, slo.WindowKind, slo.WindowDays, slo.TimeZone,
                slo.BudgetingMethod, slo.TimesliceTarget),
            (back.Name, back.DisplayName, back.ComponentRef, back.Indicator, back.ThresholdSeconds, back.Target, back.WindowKind, back.WindowDays, back.TimeZone,
                back.BudgetingMethod, back.TimesliceTarget));
    }

    [Fact]
    public void The_built_in_service_templates_openslo_file_imports_as_availability_and_latency()
    {
        var file = Path.Combine(AppContext.BaseDirectory, "Features", "Templates", "BuiltIn", "aspnet-service", "skeleton", "openslo.yaml");
        var yaml = File.ReadAllText(file).Replace("${{ values.name }}", "orders-api", StringComparison.Ordinal);

        var slos = OpenSlo.Read(yaml).Where(d => d.Kind == "SLO").ToList();

        Assert.All(slos, s => Assert.Empty(s.Errors));
        Assert.Equal([(SliKinds.Availability, 0.999m, (decimal?)null), (SliKinds.Latency, 0.95m, 0.3m)],
            slos.Select(s => (s.Slo!.Indicator!, s.Slo.Target!.Value, s.Slo.ThresholdSeconds)));
        Assert.All(slos, s => Assert.Equal("component:default/orders-api", s.Slo!.Component));
        Assert.All(slos, s => Assert.Equal(28, s.Slo!.Window!.Days));
    }

    [Fact]
    public void Unsupported_documents_say_why_and_the_rest_still_import()
    {
        const string yaml = """
            apiVersion: openslo/v1
            kind: SLO
            metadata: {name: prom-slo}
            spec:
              service: cart-service
              indicator:
                spec:
                  ratioMetric:
                    good: {metricSource: {type: Prometheus, spec: {query: 'sum(rate(x[5m]))'}}}
                    total: {metricSource: {type: Prometheus, spec: {query: 'sum(rate(y[5m]))'}}}
              timeWindow: [{duration: 28d, isRolling: true}]
              budgetingMethod: Occurrences
              objectives: [{target: 0.99}]
            ---
            apiVersion: openslo/v1
            kind: AlertPolicy
            metadata: {name: paging}
            spec: {}
            ---
            apiVersion: openslo/v1
            kind: Gadget
            metadata: {name: g}
            ---
            apiVersion: openslo/v1
            kind: SLO
            metadata: {name: ok-slo}
            spec:
              service: cart-service
              indicatorRef: cart-errors
              timeWindow: [{duration: 7d, isRolling: true}]
              budgetingMethod: Occurrences
              objectives: [{targetPercent: 99.5}]
            ---
            apiVersion: openslo/v1
            kind: SLI
            metadata: {name: cart-errors}
            spec:
              ratioMetric:
                counter: true
                bad: {metricSource: {type: otlp, spec: {metric: http.server.request.duration, service: cart-service, filter: 'http.response.status_code>=500'}}}
                total: {metricSource: {type: otlp, spec: {metric: http.server.request.duration, service: cart-service}}}
            """;

        var documents = OpenSlo.Read(yaml);

        Assert.Contains("metricSource type 'Prometheus' is not supported", documents[0].Errors[0], StringComparison.Ordinal);
        Assert.Null(documents[0].Slo);
        Assert.Contains("not imported", documents[1].Notes[0], StringComparison.Ordinal);
        Assert.Equal("Unknown OpenSLO kind 'Gadget'.", documents[2].Errors[0]);
        Assert.Equal(0.995m, documents[3].Slo!.Target);
        Assert.Equal(SliKinds.Availability, documents[3].Slo!.Indicator);
        Assert.Equal(7, documents[3].Slo!.Window!.Days);
    }
}
