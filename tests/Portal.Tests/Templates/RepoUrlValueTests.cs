using System.Text.Json.Nodes;
using Portal.Web.Features.Templates;

namespace Portal.Tests.Templates;

public sealed class RepoUrlValueTests
{
    private static ParameterField Field(params string[] hosts) =>
        TemplateParameters.ReadPages(new JsonObject
        {
            ["properties"] = new JsonObject
            {
                ["repoUrl"] = new JsonObject
                {
                    ["type"] = "string", ["title"] = "Repository location", ["ui:field"] = "RepoUrlPicker",
                    ["ui:options"] = new JsonObject
                    {
                        ["allowedHosts"] = new JsonArray(hosts.Select(h => (JsonNode?)JsonValue.Create(h)).ToArray()),
                        ["allowedOwners"] = new JsonArray("acme", "platform"),
                    },
                },
            },
        })[0].Fields[0];

    [Theory]
    [InlineData("github.com?owner=acme&repo=orders-api", null)]
    [InlineData("gitlab.com?owner=acme&repo=orders-api", "Repository location: the host must be github.com or ghe.example.com, not 'gitlab.com'.")]
    [InlineData("github.com?owner=evil&repo=orders-api", "Repository location: the owner must be acme or platform, not 'evil'.")]
    [InlineData("github.com?owner=acme&repo=", "Repository location: the repository name is required.")]
    [InlineData("github.com?owner=acme&repo=orders%20api", "Repository location: the repository name 'orders api' may only use letters, digits, '.', '-' and '_' (not starting with '.', not ending in .git).")]
    [InlineData("orders-api", "Repository location must name a host, an owner and a repository (host?owner=o&repo=r).")]
    public void A_repository_picker_value_is_checked_against_allowed_hosts_and_owners_with_a_message_naming_the_part(string value, string? expected)
    {
        Assert.Equal(expected, TemplateParameters.ValidateField(Field("github.com", "ghe.example.com"), JsonValue.Create(value)));
    }

    [Fact]
    public void The_parts_the_form_edits_compose_into_backstage_s_form_and_back()
    {
        var value = RepoUrlValue.Compose("github.com", "acme", "orders-api");

        Assert.Equal("github.com?owner=acme&repo=orders-api", value);
        Assert.Equal(new RepoUrlValue.Parts("github.com", "acme", "orders-api"), RepoUrlValue.Parse(value));
        Assert.Equal(new RepoUrlValue.Parts("dev.azure.com", "contoso", "svc"), RepoUrlValue.Parse("dev.azure.com?organization=contoso&repo=svc"));
    }
}
