using System.Net;
using System.Net.Http.Json;
using Portal.Web.Features.Identity;

namespace Portal.IntegrationTests.Identity;

/// <summary>
/// Issue 17, finding 9: until a one-time password is replaced, every page leads to the password form,
/// also pages whose address has a dot; only real static files are served.
/// </summary>
public sealed class MustChangePasswordGateTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>
{
    [Theory]
    [InlineData("/catalog/user/default/dana.kim")]
    [InlineData("/catalog/component/default/payments.api")]
    [InlineData("/catalog.json")]
    [InlineData("/create/app.css")]
    [InlineData("/openapi/v1.json")]
    [InlineData("/")]
    public async Task Pages_with_or_without_a_dot_lead_to_the_password_form(string path)
    {
        using var session = await MustChangeSessionAsync();

        var response = await session.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal($"/account/password?returnUrl={Uri.EscapeDataString(path)}", response.Headers.Location!.OriginalString);
    }

    [Theory]
    [InlineData("/app.css")]
    [InlineData("/favicon.svg")]
    [InlineData("/js/portal.js")]
    [InlineData("/_framework/blazor.web.js")]
    [InlineData("/account/password")]
    public async Task Static_files_and_the_password_form_are_served(string path)
    {
        using var session = await MustChangeSessionAsync();

        var response = await session.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task The_api_answers_403_until_the_password_is_changed()
    {
        using var session = await MustChangeSessionAsync();

        var response = await session.GetAsync(new Uri("/api/catalog/figures", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("Choose a new password", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    /// <summary>A person an admin just created (so with a password they must change), signed in with it.</summary>
    private async Task<HttpClient> MustChangeSessionAsync()
    {
        var name = "gate-" + Guid.NewGuid().ToString("N")[..8];
        using var admin = factory.AdminClient();
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/identity/users", new CreateUserRequest(name, null, null, "given-password-1", []))).StatusCode);
        return await CookieSessions.SignInAsync(factory, name, "given-password-1");
    }
}
