using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc;
using Portal.TestSupport;

namespace Portal.IntegrationTests.Catalog;

public sealed class CatalogStarTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>, IAsyncLifetime
{
    public Task InitializeAsync() => factory.SeedDemoAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_person_stars_and_unstars_entities_for_themselves_only_and_twice_is_once()
    {
        var (_, anaToken) = await factory.UserWithTokenAsync("star-ana");
        var (_, benToken) = await factory.UserWithTokenAsync("star-ben");
        using var ana = factory.ClientWithToken(anaToken);
        using var ben = factory.ClientWithToken(benToken);

        Assert.Equal(HttpStatusCode.NoContent, (await ana.PutAsync(new Uri("/api/catalog/stars/component/default/payment-gateway", UriKind.Relative), null)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await ana.PutAsync(new Uri("/api/catalog/stars/Component/default/Payment-Gateway", UriKind.Relative), null)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await ana.PutAsync(new Uri("/api/catalog/stars/api/default/payments-api", UriKind.Relative), null)).StatusCode);

        Assert.Equal(["component:default/payment-gateway", "api:default/payments-api"], await ana.GetFromJsonAsync<List<string>>("/api/catalog/stars"));
        Assert.Empty((await ben.GetFromJsonAsync<List<string>>("/api/catalog/stars"))!);

        Assert.Equal(HttpStatusCode.NoContent, (await ana.DeleteAsync(new Uri("/api/catalog/stars/component/default/payment-gateway", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await ana.DeleteAsync(new Uri("/api/catalog/stars/component/default/payment-gateway", UriKind.Relative))).StatusCode);
        Assert.Equal(["api:default/payments-api"], await ana.GetFromJsonAsync<List<string>>("/api/catalog/stars"));
    }

    [Fact]
    public async Task Stars_refuse_what_is_not_there_a_service_token_and_more_than_the_limit()
    {
        var (user, token) = await factory.UserWithTokenAsync("star-collector");
        using var person = factory.ClientWithToken(token);
        Assert.Equal(HttpStatusCode.NotFound, (await person.PutAsync(new Uri("/api/catalog/stars/component/default/no-such-thing", UriKind.Relative), null)).StatusCode);

        // The bootstrap token acts for no person.
        using var service = factory.AdminClient();
        var refused = await service.PutAsync(new Uri("/api/catalog/stars/component/default/payment-gateway", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("Stars belong to a person", (await refused.Content.ReadFromJsonAsync<ProblemDetails>())!.Title);

        // Someone who already has the most stars there can be: a new one is refused, one they have is fine.
        await PostgresProbe.ScalarAsync(factory.ConnectionString,
            $"INSERT INTO catalog_stars (user_id, entity_ref, created_at) SELECT '{user.Id}', 'component:default/filler-' || i, now() FROM generate_series(1, 199) AS i");
        Assert.Equal(HttpStatusCode.NoContent, (await person.PutAsync(new Uri("/api/catalog/stars/component/default/payment-gateway", UriKind.Relative), null)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await person.PutAsync(new Uri("/api/catalog/stars/component/default/payment-gateway", UriKind.Relative), null)).StatusCode);
        var tooMany = await person.PutAsync(new Uri("/api/catalog/stars/api/default/payments-api", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);
        Assert.Contains("at most 200", (await tooMany.Content.ReadFromJsonAsync<ProblemDetails>())!.Detail, StringComparison.Ordinal);
        Assert.Equal(200, (await person.GetFromJsonAsync<List<string>>("/api/catalog/stars"))!.Count);
    }
}
