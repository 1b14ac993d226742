using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Service.Tests;

public sealed class ApiTests(WebApplicationFactory<Program> factory) : IClassFixture<WebApplicationFactory<Program>>
{
    private readonly HttpClient _client = factory.CreateClient();

    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    public async Task Health_endpoints_answer_healthy(string path)
    {
        var response = await _client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Root_names_the_service_and_its_version()
    {
        var info = await _client.GetFromJsonAsync<ServiceInfoDto>("/");

        Assert.NotNull(info);
        Assert.Equal("${{ values.name }}", info.Service);
        Assert.False(string.IsNullOrEmpty(info.Version));
    }

    [Fact]
    public async Task Hello_greets_by_name()
    {
        var greeting = await _client.GetFromJsonAsync<GreetingDto>("/hello/Ada");

        Assert.Equal("Hello, Ada!", greeting?.Message);
    }

    [Fact]
    public async Task Unknown_path_is_a_problem_details_404()
    {
        var response = await _client.GetAsync("/no-such-path");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private sealed record ServiceInfoDto(string Service, string Version);

    private sealed record GreetingDto(string Message);
}
