using System.Text.Json.Nodes;
using Portal.Web.Features.Templates;

namespace Portal.Tests.Templates;

/// <summary>
/// Backstage's template language as its scaffolder accepts it (Nunjucks with <c>${{ }}</c>): the expressions upstream
/// templates use, and the errors an author sees, which quote their own text with its line and column.
/// </summary>
public sealed class NunjucksExpressionTests
{
    private static readonly Dictionary<string, object?> Model = new(StringComparer.Ordinal)
    {
        ["values"] = JsonNode.Parse("""
            {"name":"orders-api","owner":"group:default/payments","count":3,"port":8080,"empty":"","flag":false,
             "features":["metrics","docs","ci"],"destination":{"host":"github.com","owner":"acme","repo":"orders"},
             "repoUrl":"github.com?owner=acme&repo=orders-api","people":[{"name":"ana","admin":true},{"name":"bo","admin":false}]}
            """),
        ["parameters"] = JsonNode.Parse("""{"lifecycle":"production","x":"y"}"""),
    };

    private static string R(string text) => TemplateText.Render(text, Model, "the file 'f'");

    private static JsonNode? E(string text) => TemplateText.Evaluate(text, Model, "step 's' input");

    [Theory]
    [InlineData("""${{ values.destination.owner + "/" + values.destination.repo }}""", "acme/orders")]
    [InlineData("${{ values.name ~ '-' ~ values.count }}", "orders-api-3")]
    [InlineData("${{ values.count + 2 }}", "5")]
    [InlineData("${{ values.count - 5 }}", "-2")]
    [InlineData("${{ values.count * 4 }}", "12")]
    [InlineData("${{ values.count / 2 }}", "1.5")]
    [InlineData("${{ values.count // 2 }}", "1")]
    [InlineData("${{ values.port % 1000 }}", "80")]
    [InlineData("${{ 2 ** 10 }}", "1024")]
    [InlineData("${{ values.port + 1 }}", "8081")]
    [InlineData("${{ (values.count + 1) * 2 }}", "8")]
    [InlineData("${{ values.count + 1 * 2 }}", "5")]
    [InlineData("${{ 'prod' if parameters.lifecycle == 'production' else 'dev' }}", "prod")]
    [InlineData("${{ 'prod' if parameters.lifecycle == 'experimental' else 'dev' }}", "dev")]
    [InlineData("${{ 'yes' if values.flag }}", "")]
    [InlineData("${{ not values.flag }}", "true")]
    [InlineData("${{ values.flag or 'fallback' }}", "fallback")]
    [InlineData("${{ values.name and values.count }}", "3")]
    [InlineData("${{ values.port === 8080 }}", "true")]
    [InlineData("${{ values.port === '8080' }}", "false")]
    [InlineData("${{ values.port == '8080' }}", "true")]
    [InlineData("${{ values.port !== '8080' }}", "true")]
    [InlineData("${{ values.count != 3 }}", "false")]
    [InlineData("${{ values.count >= 3 and values.count < 4 }}", "true")]
    [InlineData("${{ 'docs' in values.features }}", "true")]
    [InlineData("${{ 'k8s' not in values.features }}", "true")]
    [InlineData("${{ (values.repoUrl | parseRepoUrl).owner }}", "acme")]
    [InlineData("""${{ (values.repoUrl | parseRepoUrl)["repo"] }}""", "orders-api")]
    [InlineData("${{ values.repoUrl | parseRepoUrl | pick('host') }}", "github.com")]
    [InlineData("${{ values.repoUrl | projectSlug }}", "acme/orders-api")]
    [InlineData("${{ values.features[1] }}", "docs")]
    [InlineData("${{ values.features | join(', ') }}", "metrics, docs, ci")]
    [InlineData("${{ values.features | length }}", "3")]
    [InlineData("${{ values.features | first | upper }}", "METRICS")]
    [InlineData("${{ values.name.split('-')[0] }}", "orders")]
    [InlineData("${{ values.name | replace('-', '_') | upper }}", "ORDERS_API")]
    [InlineData("${{ values.missing | default('none') }}", "none")]
    [InlineData("${{ values.empty | default('none', true) }}", "none")]
    [InlineData("${{ values.name | dump }}", "\"orders-api\"")]
    [InlineData("${{ values.destination | dump }}", """{"host":"github.com","owner":"acme","repo":"orders"}""")]
    [InlineData("${{ values.name | urlencode }}", "orders-api")]
    [InlineData("${{ 'a b&c' | urlencode }}", "a%20b%26c")]
    [InlineData("${{ values.name | title | replace('-', ' ') }}", "Orders api")]
    [InlineData("${{ values.name | truncate(6, true, '') }}", "orders")]
    [InlineData("${{ values.people | selectattr('admin') | join(',', 'name') }}", "ana")]
    [InlineData("${{ values.missing is defined }}", "false")]
    [InlineData("${{ values.name is string }}", "true")]
    [InlineData("${{ [1, 2, 3] | sum }}", "6")]
    [InlineData("${{ {'a': 1}.a }}", "1")]
    [InlineData("${{ values.missing.deeper.still }}", "")]
    public void Expressions_render_as_Nunjucks_renders_them(string text, string expected) => Assert.Equal(expected, R(text));

    [Theory]
    [InlineData("${{ values.owner | parseEntityRef | pick('name') }}", "payments")]
    [InlineData("${{ 'payments' | parseEntityRef({ defaultKind: 'group', defaultNamespace: 'finance' }) | pick('kind') }}", "group")]
    [InlineData("${{ 'payments' | parseEntityRef({ defaultKind: 'group', defaultNamespace: 'finance' }) | pick('namespace') }}", "finance")]
    [InlineData("${{ ('payments' | parseEntityRef({ defaultKind: 'group' })).kind }}", "group")]
    [InlineData("${{ 'user:ana' | parseEntityRef({ defaultKind: 'group' }) | pick('kind') }}", "user")]
    public void ParseEntityRef_takes_Backstage_s_default_kind_and_namespace(string text, string expected) => Assert.Equal(expected, R(text));

    [Fact]
    public void Set_loops_and_loop_variables_work()
    {
        var text = """
            {%- set prefix = values.name | upper -%}
            {% for f in values.features %}${{ loop.index }}/${{ loop.length }} ${{ prefix }}-${{ f }}{% if loop.first %} (first){% endif %}{% if not loop.last %}, {% endif %}{% endfor %}
            {% for key, value in values.destination %}${{ key }}=${{ value }};{% endfor %}
            {% for x in values.missing %}never{% else %}nothing to list{% endfor %}
            {%- if values.count > 5 %} big{% elif values.count > 2 %} medium{% else %} small{% endif %}
            """;

        Assert.Equal("""
            1/3 ORDERS-API-metrics (first), 2/3 ORDERS-API-docs, 3/3 ORDERS-API-ci
            host=github.com;owner=acme;repo=orders;
            nothing to list medium
            """, R(text));
    }

    [Fact]
    public void Whitespace_control_trims_as_Nunjucks_does()
    {
        // The shape of the upstream skeletons' catalog-info.yaml: {%- if %} pulls the optional line up.
        var text = "metadata:\n  name: x\n  {%- if values.name %}\n  description: d\n  {%- endif %}\n  annotations: {}\n";

        Assert.Equal("metadata:\n  name: x\n  description: d\n  annotations: {}\n", R(text));
    }

    [Fact]
    public void Comments_raw_blocks_and_plain_mustaches_are_left_alone()
    {
        Assert.Equal("a  b", R("a {# a comment #} b"));
        Assert.Equal("key: ${{ secrets.AWS }} {{ x }}", R("{% raw %}key: ${{ secrets.AWS }}{% endraw %} {{ x }}"));
    }

    [Fact]
    public void An_equality_in_a_step_condition_compares()
    {
        Assert.Equal("false", E("${{ parameters.x == 'z' }}")!.ToJsonString());
        Assert.Equal("true", E("${{ parameters.x == 'y' }}")!.ToJsonString());
        Assert.False(TemplateText.IsTruthy(E("${{ parameters.x == 'z' }}")));
        Assert.True(TemplateText.IsTruthy(E("${{ parameters.x === 'y' }}")));
    }

    [Fact]
    public void A_whole_expression_keeps_its_type()
    {
        Assert.Equal("8080", E("${{ values.port }}")!.ToJsonString());
        Assert.Equal("""{"host":"github.com","owner":"acme","repo":"orders-api","organization":null,"workspace":null,"project":null}""",
            E("${{ values.repoUrl | parseRepoUrl }}")!.ToJsonString());
        Assert.Equal("""["metrics","docs","ci"]""", E("  ${{ values.features }}  ")!.ToJsonString());
        Assert.Equal("\"port 8080\"", E("port ${{ values.port }}")!.ToJsonString());
    }

    [Fact]
    public void A_number_or_boolean_written_in_a_step_input_is_kept_as_it_is()
    {
        var input = JsonNode.Parse("""{"values":{"http_port":8080,"debug":true,"ratio":0.5,"name":"${{ values.name }}"}}""");

        var rendered = TemplateText.EvaluateTree(input, Model, "step 'template' input");

        Assert.Equal("""{"values":{"http_port":8080,"debug":true,"ratio":0.5,"name":"orders-api"}}""", rendered!.ToJsonString());
    }

    [Fact]
    public void An_unknown_filter_is_an_error_that_quotes_the_author_s_text_with_line_and_column()
    {
        var error = Assert.Throws<TemplateRenderException>(() => R("first line\nname: ${{ values.name | urlencoded }}\n"));

        Assert.Equal("the file 'f', line 2, column 25: there is no filter 'urlencoded', in ${{ values.name | urlencoded }}", error.Message);
    }

    [Fact]
    public void A_filter_Nunjucks_does_not_have_is_refused_rather_than_passed_through()
    {
        var error = Assert.Throws<TemplateRenderException>(() => R("${{ '' | now }}"));

        Assert.Contains("there is no filter 'now'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_syntax_error_quotes_the_author_s_text_never_a_rewritten_form_or_an_internal_option()
    {
        var error = Assert.Throws<TemplateRenderException>(() => R("a\n  b: ${{ values.name + }}"));

        Assert.Equal("the file 'f', line 2, column 23: expected a value but found the end of the expression, in ${{ values.name + }}", error.Message);
        Assert.DoesNotContain("AllowParentheses", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("{{ values", error.Message.Replace("${{ values", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void An_unclosed_tag_and_an_unknown_tag_name_their_place()
    {
        var unclosed = Assert.Throws<TemplateRenderException>(() => R("x\n{% if values.name %}yes"));
        Assert.StartsWith("the file 'f', line 2, column 1: the text ends before {% endif %}", unclosed.Message, StringComparison.Ordinal);

        var unknown = Assert.Throws<TemplateRenderException>(() => R("{% macro m() %}{% endmacro %}"));
        Assert.StartsWith("the file 'f', line 1, column 1: the tag {% macro %} is not supported", unknown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_path_into_a_step_that_does_not_exist_is_an_error_and_a_skipped_step_s_output_is_empty()
    {
        var state = new RunState(new JsonObject(), new JsonObject()) { TemplateStepIds = ["fetch", "publish", "publish-gitlab", "register"] };
        state.StepOutputs["publish"] = new JsonObject { ["remoteUrl"] = "https://example.com/r" };
        state.SkippedSteps.Add("publish-gitlab");

        Assert.Equal("https://example.com/r", TemplateText.Render("${{ steps.publish.output.remoteUrl }}", state.Model, "output"));
        Assert.Equal("https://example.com/r",
            TemplateText.Render("${{ steps['publish-gitlab'].output.remoteUrl or steps.publish.output.remoteUrl }}", state.Model, "output"));

        var typo = Assert.Throws<TemplateRenderException>(() => TemplateText.Render("${{ steps.publsh.output.remoteUrl }}", state.Model, "output"));
        Assert.Equal("output, line 1, column 10: there is no step 'publsh' (the steps are: fetch, publish, publish-gitlab, register), "
            + "in ${{ steps.publsh.output.remoteUrl }}", typo.Message);

        var later = Assert.Throws<TemplateRenderException>(() => TemplateText.Render("${{ steps.register.output.entityRef }}", state.Model, "step 'publish' input"));
        Assert.Contains("the step 'register' has not run yet", later.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_secret_renders_empty_with_a_warning_that_does_not_hold_a_value()
    {
        var state = new RunState(new JsonObject(), new JsonObject());
        var warnings = new List<string>();

        string rendered;
        using (TemplateText.CollectWarnings(warnings))
        {
            rendered = TemplateText.Render("token=${{ secrets.GITHUB_TOKEN }}", state.Model, "step 's' input");
        }

        Assert.Equal("token=", rendered);
        Assert.Equal("secrets.GITHUB_TOKEN is not set: Portal passes no secrets to templates, so it renders empty. Use a parameter with ui:widget: password.",
            Assert.Single(warnings));
    }

    [Fact]
    public void Cookiecutter_compatible_text_uses_plain_mustaches_and_jsonify()
    {
        var model = new Dictionary<string, object?>(StringComparer.Ordinal) { ["cookiecutter"] = JsonNode.Parse("""{"name":"orders"}""") };

        Assert.Equal("name: \"orders\" ORDERS", TemplateText.Render("name: {{ cookiecutter.name | jsonify }} {{ cookiecutter.name | upper }}", model, "f", cookiecutter: true));
    }

    [Fact]
    public void Liquid_spellings_from_earlier_Portal_templates_still_render()
    {
        Assert.Equal("B, ORDERS-API!", R("{% assign x = values.name | upcase %}{% unless values.flag %}B{% endunless %}, {% if values.flag %}A{% elsif true %}${{ x | append: '!' }}{% endif %}"));
    }
}
