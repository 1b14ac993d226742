using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Jobs;
using Fluid;
using Portal.Web.Features.Templates;

namespace Portal.Benchmarks;

/// <summary>
/// The template language's cost per file: Fluid (the Liquid engine the scaffolder used before, on the Liquid
/// equivalent of the text, which is as far as Fluid can follow) against Portal's own Nunjucks engine on the upstream
/// text. Parse and render together, as a skeleton file is rendered once per run.
/// <code>dotnet run -c Release --project tests/Portal.Benchmarks -- --filter '*TemplateLanguage*'</code>
/// </summary>
[SimpleJob(RuntimeMoniker.Net10_0, launchCount: 1, warmupCount: 3, iterationCount: 15)]
[MemoryDiagnoser]
[MedianColumn]
public class TemplateLanguageBenchmarks
{
    // springboot-grpc-template's skeleton catalog-info.yaml (backstage/software-templates), as written upstream.
    private const string CatalogInfoNunjucks = """
        apiVersion: backstage.io/v1alpha1
        kind: Component
        metadata:
          name: ${{values.component_id | dump}}
          {%- if values.description %}
          description: ${{values.description | dump}}
          {%- endif %}
          annotations:
            github.com/project-slug: ${{values.destination.owner + "/" + values.destination.repo}}
            backstage.io/techdocs-ref: dir:.
        spec:
          type: service
          lifecycle: experimental
          owner: ${{values.owner | dump}}
        """;

    // The same file in Liquid: Fluid has no '+' in outputs, so the slug is two outputs.
    private const string CatalogInfoLiquid = """
        apiVersion: backstage.io/v1alpha1
        kind: Component
        metadata:
          name: {{values.component_id | json}}
          {%- if values.description %}
          description: {{values.description | json}}
          {%- endif %}
          annotations:
            github.com/project-slug: {{values.destination.owner}}/{{values.destination.repo}}
            backstage.io/techdocs-ref: dir:.
        spec:
          type: service
          lifecycle: experimental
          owner: {{values.owner | json}}
        """;

    // A loop over a list, as a README's feature list is written.
    private const string LoopNunjucks = "{% for f in values.features %}- ${{ loop.index }}. ${{ f | upper }}{% if not loop.last %}\n{% endif %}{% endfor %}";
    private const string LoopLiquid = "{% for f in values.features %}- {{ forloop.index }}. {{ f | upcase }}{% unless forloop.last %}\n{% endunless %}{% endfor %}";

    private static readonly FluidParser Parser = new();
    private static readonly TemplateOptions FluidOptions = new();

    private Dictionary<string, object?> _model = null!;
    private Dictionary<string, object?> _fluidValues = null!;

    [GlobalSetup]
    public void Setup()
    {
        var values = JsonNode.Parse("""
            {"component_id":"greeter-svc","description":"Says hello over gRPC","owner":"group:default/payments",
             "destination":{"host":"github.com","owner":"acme","repo":"greeter-svc"},
             "features":["metrics","docs","ci","traces","logs","alerts","slo","runbook","dashboards","oncall"]}
            """)!;
        _model = new Dictionary<string, object?>(StringComparer.Ordinal) { ["values"] = values };
        _fluidValues = new Dictionary<string, object?>
        {
            ["component_id"] = "greeter-svc",
            ["description"] = "Says hello over gRPC",
            ["owner"] = "group:default/payments",
            ["destination"] = new Dictionary<string, object?> { ["host"] = "github.com", ["owner"] = "acme", ["repo"] = "greeter-svc" },
            ["features"] = new List<object?> { "metrics", "docs", "ci", "traces", "logs", "alerts", "slo", "runbook", "dashboards", "oncall" },
        };
    }

    private string Fluid(string liquid)
    {
        var template = Parser.Parse(liquid);
        var context = new TemplateContext(FluidOptions);
        context.SetValue("values", _fluidValues);
        return template.Render(context);
    }

    [Benchmark(Baseline = true)]
    public string Fluid_catalog_info() => Fluid(CatalogInfoLiquid);

    [Benchmark]
    public string Own_catalog_info() => TemplateText.Render(CatalogInfoNunjucks, _model, "catalog-info.yaml");

    [Benchmark]
    public string Fluid_loop() => Fluid(LoopLiquid);

    [Benchmark]
    public string Own_loop() => TemplateText.Render(LoopNunjucks, _model, "README.md");
}
