using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Portal.IntegrationTests.Foundation;
using Portal.TestSupport;
using Portal.Web.Features.Identity;

namespace Portal.IntegrationTests.Identity;

/// <summary>The real portal process on a fresh embedded install, reading what it prints.</summary>
[Collection(PortalProcessCollection.Name)]
public sealed partial class FirstStartTests
{
    [Fact]
    public async Task First_start_prints_a_one_time_admin_password_once_and_no_secret_reaches_the_logs()
    {
        var dir = TestCluster.NewDataDirectory("first-start");
        var bootstrap = ApiTokenSecret.New();
        try
        {
            await using var portal = await PortalProcess.StartAsync(dir, new Dictionary<string, string?>
            {
                ["Portal__BootstrapAdminToken"] = bootstrap,
                ["Portal__Identity__AdminPassword"] = null,
            });
            var password = OneTimePassword().Match(portal.Output).Groups[1].Value;
            Assert.Equal(20, password.Length);

            using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true }) { BaseAddress = portal.BaseAddress };
            var signIn = await AccountTests.SignInAsync(browser, "admin", password, "/catalog");
            Assert.Equal("/account/password?returnUrl=%2Fcatalog", signIn.Headers.Location!.OriginalString); // must choose a new one
            var home = await browser.GetAsync(new Uri("/", UriKind.Relative));
            Assert.StartsWith("/account/password", home.Headers.Location!.OriginalString, StringComparison.Ordinal);

            using var api = new HttpClient { BaseAddress = portal.BaseAddress };
            api.DefaultRequestHeaders.Authorization = new("Bearer", bootstrap);
            var created = await api.PostAsJsonAsync("/api/identity/tokens",
                new CreateTokenRequest("ingest", ApiTokenKind.Service, [PortalScopes.SloIngest], null, 30));
            var token = (await created.Content.ReadFromJsonAsync<CreatedToken>())!.Token;
            api.DefaultRequestHeaders.Authorization = new("Bearer", token);
            Assert.Equal(HttpStatusCode.Forbidden, (await api.GetAsync(new Uri("/api/catalog/figures", UriKind.Relative))).StatusCode);

            await portal.InterruptAsync(TimeSpan.FromSeconds(60));
            var output = portal.Output;
            Assert.Equal(1, Regex.Count(output, Regex.Escape(password))); // the console banner, once
            var logLines = output.Split('\n').Where(l => l.TrimStart().StartsWith('{')).ToList();
            Assert.True(logLines.Count > 10, "JSON console logs outside Development");
            foreach (var secret in new[] { password, bootstrap, token })
            {
                Assert.DoesNotContain(secret, string.Join('\n', logLines), StringComparison.Ordinal);
            }
            Assert.DoesNotContain(bootstrap, output, StringComparison.Ordinal);
            Assert.DoesNotContain(token, output, StringComparison.Ordinal);
        }
        finally
        {
            TestCluster.TryDelete(dir);
        }
    }

    [GeneratedRegex(@"One-time password:\s*\n\s*(\S+)")]
    private static partial Regex OneTimePassword();
}
