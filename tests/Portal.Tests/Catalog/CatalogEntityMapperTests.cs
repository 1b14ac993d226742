using System.Text.Json;
using Portal.Web.Features.Catalog;

namespace Portal.Tests.Catalog;

public sealed class CatalogEntityMapperTests
{
    [Fact]
    public void Indexed_columns_come_from_the_descriptor_and_refs_are_resolved_in_its_namespace()
    {
        var doc = JsonDocument.Parse("""
            {"apiVersion":"backstage.io/v1alpha1","kind":"component",
             "metadata":{"name":"Checkout","namespace":"shop","title":"Checkout service","tags":["dotnet","pci"],"x-extra":{"kept":true}},
             "spec":{"type":"service","lifecycle":"production","owner":"team-a","system":"commerce"}}
            """);

        var entity = CatalogEntityMapper.ToEntity(doc, DateTimeOffset.UnixEpoch);

        Assert.Equal("component:shop/checkout", entity.EntityRef);
        Assert.Equal("Component", entity.Kind);
        Assert.Equal("Checkout", entity.Name);
        Assert.Equal("group:shop/team-a", entity.Owner);
        Assert.Equal("system:shop/commerce", entity.System);
        Assert.Equal(["dotnet", "pci"], entity.Tags);
        Assert.True(entity.Document.RootElement.GetProperty("metadata").GetProperty("x-extra").GetProperty("kept").GetBoolean());
    }

    [Fact]
    public void Unknown_kinds_keep_their_spelling_and_missing_namespace_is_default()
    {
        var doc = JsonDocument.Parse("""{"apiVersion":"example.com/v1","kind":"AiResource","metadata":{"name":"skill"}}""");

        var entity = CatalogEntityMapper.ToEntity(doc, DateTimeOffset.UnixEpoch);

        Assert.Equal("AiResource", entity.Kind);
        Assert.Equal("airesource:default/skill", entity.EntityRef);
        Assert.Null(entity.Owner);
    }
}
