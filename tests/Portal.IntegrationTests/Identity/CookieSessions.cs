using Microsoft.AspNetCore.Mvc.Testing;

namespace Portal.IntegrationTests.Identity;

/// <summary>A person's browser session against the in-process portal: the sign-in form's cookie, no automatic redirects.</summary>
public static class CookieSessions
{
    /// <summary>The portal's own origin under TestServer; browsers send it as <c>Origin</c> from the portal's pages.</summary>
    public const string PortalOrigin = "http://localhost";

    /// <summary>
    /// Signs in through the form. With <paramref name="sameOrigin"/> every later request carries <c>Origin: http://localhost</c>,
    /// as the portal's own pages would send it; without, requests carry no browser headers at all.
    /// </summary>
    public static async Task<HttpClient> SignInAsync(PortalAppFactory factory, string userName, string password = PortalAppFactory.TestPassword,
        bool sameOrigin = true)
    {
        var browser = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var response = await AccountTests.SignInAsync(browser, userName, password, "/");
        Assert.DoesNotContain("error=", response.Headers.Location?.OriginalString ?? "", StringComparison.Ordinal);
        if (sameOrigin)
        {
            browser.DefaultRequestHeaders.Add("Origin", PortalOrigin);
        }
        return browser;
    }
}
