using System.Text.Json.Nodes;
using Portal.Web.Features.Templates;

namespace Portal.Tests.Templates;

public sealed class TemplateFormTests
{
    private static IReadOnlyList<ParameterPage> Pages() => TemplateParameters.ReadPages(JsonNode.Parse("""
        [
          {"title": "Service", "required": ["name"], "properties": {
            "name": {"title": "Name", "type": "string", "pattern": "^[a-z][a-z0-9-]*$", "minLength": 3},
            "replicas": {"title": "Replicas", "type": "integer", "minimum": 1, "maximum": 5, "default": 2},
            "tier": {"title": "Tier", "type": "string", "enum": ["small", "large"], "enumNames": ["Small", "Large"]}
          }},
          {"title": "Extras", "properties": {
            "features": {"title": "Features", "type": "array", "items": {"type": "string", "enum": ["metrics", "docs"]}},
            "token": {"title": "Token", "type": "string", "ui:widget": "password"}
          }}
        ]
        """));

    [Fact]
    public void A_new_form_starts_on_the_first_page_with_the_defaults()
    {
        var form = new TemplateForm(Pages());

        Assert.Equal(0, form.Step);
        Assert.Equal(2, form.ReviewIndex);
        Assert.False(form.OnReview);
        Assert.Equal(2, form.Values["replicas"]!.GetValue<int>());
        Assert.Empty(form.Errors);
    }

    [Fact]
    public void Next_checks_every_field_of_the_page_and_stays_while_one_is_wrong()
    {
        var form = new TemplateForm(Pages());

        Assert.False(form.Next());

        Assert.Equal(0, form.Step);
        Assert.Equal(["name"], form.Errors.Keys);
        Assert.Equal(TemplateParameters.ValidateField(form.Pages[0].Fields.Single(f => f.Name == "name"), null), form.Errors["name"]);

        form.Values["name"] = "payments-api";
        Assert.True(form.Next());
        Assert.Equal(1, form.Step);
        Assert.Empty(form.Errors);
    }

    [Fact]
    public void Back_and_go_to_reach_only_pages_already_passed()
    {
        var form = new TemplateForm(Pages());
        form.Values["name"] = "svc";
        form.Next();
        form.Next();
        Assert.True(form.OnReview);
        Assert.False(form.Next());

        form.GoTo(1);
        Assert.Equal(1, form.Step);
        form.GoTo(2);
        Assert.Equal(1, form.Step);
        form.Back();
        form.Back();
        Assert.Equal(0, form.Step);
    }

    [Fact]
    public void Set_error_records_and_clears_a_fields_error()
    {
        var form = new TemplateForm(Pages());

        form.SetError("name", "Name is required.");
        Assert.Equal("Name is required.", form.Errors["name"]);
        form.SetError("name", null);
        Assert.Empty(form.Errors);
    }

    [Fact]
    public void The_review_shows_labels_a_dash_for_empty_and_hides_secrets()
    {
        var form = new TemplateForm(Pages());
        form.Values["tier"] = "large";
        form.Values["features"] = new JsonArray("metrics", "docs");
        form.Values["token"] = "s3cret";
        var fields = form.Pages.SelectMany(p => p.Fields).ToDictionary(f => f.Name);

        Assert.Equal("—", form.Display(fields["name"]));
        Assert.Equal("Large", form.Display(fields["tier"]));
        Assert.Equal("metrics, docs", form.Display(fields["features"]));
        Assert.Equal(SecretMasker.Placeholder, form.Display(fields["token"]));
        Assert.Equal("2", form.Display(fields["replicas"]));
    }
}
