using System.Text.Json.Nodes;
using Portal.Web.Features.Catalog;
using Portal.Web.Features.Templates;

namespace Portal.Tests.Templates;

/// <summary>
/// A template read from its YAML file (as the form reads it, to keep the author's field order) carries numbers that
/// the YAML reader built, not parsed JSON text: its limits, defaults, rows and <c>if</c>s must read the same.
/// </summary>
public sealed class TemplateYamlNumbersTests
{
    private static TemplateDefinition Read() => TemplateDefinition.FromEntity((JsonObject)DescriptorYaml.Parse("""
        apiVersion: scaffolder.backstage.io/v1beta3
        kind: Template
        metadata: {name: numbers}
        spec:
          parameters:
            - title: Numbers
              properties:
                notes: {title: Notes, type: string, ui:widget: textarea, ui:options: {rows: 8}}
                name: {title: Name, type: string, minLength: 3, maxLength: 5}
                replicas: {title: Replicas, type: integer, minimum: 1, maximum: 9, default: 2}
                ratio: {title: Ratio, type: number, default: 0.5}
          steps:
            - {id: one, action: debug:log, if: 1, input: {message: hi}}
        """)[0].Entity!, null);

    [Fact]
    public void A_textarea_s_rows_and_a_text_s_length_limits_come_through()
    {
        var fields = Read().Fields.ToDictionary(f => f.Name);
        Assert.Equal(8, fields["notes"].Rows);
        Assert.Equal(3, fields["name"].MinLength);
        Assert.Equal(5, fields["name"].MaxLength);
        Assert.NotNull(TemplateParameters.ValidateField(fields["name"], JsonValue.Create("ab")));
        Assert.NotNull(TemplateParameters.ValidateField(fields["name"], JsonValue.Create("abcdef")));
    }

    [Fact]
    public void Number_defaults_are_valid_numbers_and_the_bounds_hold()
    {
        var template = Read();
        var fields = template.Fields.ToDictionary(f => f.Name);
        var values = TemplateParameters.Defaults(template.Pages);
        Assert.Null(TemplateParameters.ValidateField(fields["replicas"], values["replicas"]));
        Assert.Null(TemplateParameters.ValidateField(fields["ratio"], values["ratio"]));
        Assert.Contains("Replicas", TemplateParameters.ValidateField(fields["replicas"], JsonValue.Create(10L)));
    }

    [Fact]
    public void A_step_if_of_a_yaml_number_is_read_as_true_not_an_error() =>
        Assert.True(TemplateText.IsTruthy(Read().Steps[0].If));
}
