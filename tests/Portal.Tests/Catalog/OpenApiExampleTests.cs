using System.Text.Json.Nodes;
using Portal.Web.Features.Catalog;

namespace Portal.Tests.Catalog;

/// <summary>Where OpenAPI 3.0 and 3.1 documents put their examples, read as the API reference shows them and "Try it" pre-fills them.</summary>
public sealed class OpenApiExampleTests
{
    private static List<ApiOperation> Read(string json) => OpenApiOperations.Read(JsonNode.Parse(json)!.AsObject());

    [Fact]
    public void A_media_type_example_becomes_the_bodys_indented_json()
    {
        var op = Read("""
            {"openapi":"3.1.1","paths":{"/pets":{"post":{"requestBody":{"content":{"application/json":{"example":{"name":"Rex","age":3}}}}}}}}
            """).Single();
        Assert.Equal("{\n  \"name\": \"Rex\",\n  \"age\": 3\n}", op.RequestBody.Single().Example!.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Named_examples_of_openapi_3_0_give_the_first_value_and_schema_examples_of_3_1_the_first_item()
    {
        var op = Read("""
            {"openapi":"3.0.3","paths":{"/pets/{id}":{"get":{
              "parameters":[{"name":"id","in":"path","required":true,"schema":{"type":"integer","examples":[42,7]}},
                            {"name":"q","in":"query","examples":{"short":{"summary":"a word","value":"cat"},"long":{"value":"black cat"}}}],
              "responses":{"200":{"description":"ok","content":{"application/json":{"examples":{"one":{"value":{"id":42}}}}}}}}}}}
            """).Single();
        Assert.Equal("42", op.Parameters.Single(p => p.Name == "id").Example);
        Assert.Equal("cat", op.Parameters.Single(p => p.Name == "q").Example);
        Assert.Contains("\"id\": 42", op.Responses.Single().Content.Single().Example);
    }

    [Fact]
    public void Without_an_example_there_is_none_rather_than_an_empty_body()
    {
        var op = Read("""
            {"openapi":"3.1.1","paths":{"/pets":{"post":{"parameters":[{"name":"dry","in":"query","schema":{"type":"boolean"}}],
              "requestBody":{"content":{"application/json":{"schema":{"type":"object"}}}}}}}}
            """).Single();
        Assert.Null(op.RequestBody.Single().Example);
        Assert.Null(op.Parameters.Single().Example);
    }
}
