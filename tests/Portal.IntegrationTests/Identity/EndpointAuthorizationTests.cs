using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Portal.IntegrationTests.Identity;

public sealed partial class EndpointAuthorizationTests(PortalAppFactory factory) : IClassFixture<PortalAppFactory>
{
    /// <summary>The only routes a stranger may reach. Adding one here is a security decision.</summary>
    private static readonly HashSet<string> AnonymousAllowList = new(StringComparer.OrdinalIgnoreCase)
    {
        "/health/live", "/health/ready",
        "/account/login", "/account/sign-in", "/account/oidc", "/account/oidc/complete", "/account/denied",
        "/not-found", "/Error",
        // CI webhooks: GitHub and GitLab cannot send a portal token; the handler checks the shared secret (HMAC signature
        // or X-Gitlab-Token) before it reads anything else, and answers 401 without it (see docs/delivery.md).
        "/api/delivery/webhooks/github", "/api/delivery/webhooks/gitlab",
    };

    /// <summary>
    /// Framework endpoints we do not map ourselves, which rely on the fallback policy (signed-in
    /// callers only). Still called anonymously below.
    /// </summary>
    private static readonly HashSet<string> FrameworkEndpoints = new(StringComparer.Ordinal)
    {
        "Fallback {**path:file}", // MapStaticAssets' catch-all for unknown files
    };

    [Fact]
    public async Task Every_endpoint_names_its_policy_and_refuses_anonymous_callers()
    {
        _ = factory.Server;
        var endpoints = factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        var problems = new List<string>();
        using var client = factory.AnonymousClient();

        foreach (var endpoint in endpoints)
        {
            var pattern = "/" + (endpoint.RoutePattern.RawText ?? "").TrimStart('/');
            if (IsStaticAsset(endpoint))
            {
                continue; // files from wwwroot and packages: public by design (AllowAnonymous on MapStaticAssets)
            }
            var anonymous = endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null;
            if (anonymous)
            {
                if (!AnonymousAllowList.Contains(pattern))
                {
                    problems.Add($"{pattern} allows anonymous access but is not on the allow-list");
                }
                continue;
            }
            if (endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Count == 0 && !FrameworkEndpoints.Contains(endpoint.DisplayName ?? ""))
            {
                problems.Add($"{pattern} ({endpoint.DisplayName}) has no authorization policy of its own (it relies on the fallback)");
            }

            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"];
            foreach (var method in methods.Where(m => m != "OPTIONS"))
            {
                var url = RouteParameter().Replace(pattern, m => m.Value.Contains(":guid", StringComparison.Ordinal) ? Guid.Empty.ToString() : "x");
                url = url.Replace("{**path}", "x", StringComparison.Ordinal).Replace("{*path}", "x", StringComparison.Ordinal);
                using var request = new HttpRequestMessage(new HttpMethod(method), url);
                using var response = await client.SendAsync(request);
                if (IsGrpc(endpoint))
                {
                    // Served only on the gRPC port, where OtlpGrpcPortTests sees an anonymous call get UNAUTHENTICATED;
                    // on the web port it must not be served at all.
                    if (response.StatusCode != HttpStatusCode.NotFound)
                    {
                        problems.Add($"{method} {url} (gRPC) answered {(int)response.StatusCode} on the web port instead of 404");
                    }
                    continue;
                }
                var redirectedToLogin = response.StatusCode == HttpStatusCode.Redirect
                    && response.Headers.Location?.OriginalString.Contains("/account/login", StringComparison.Ordinal) == true;
                if (response.StatusCode != HttpStatusCode.Unauthorized && !redirectedToLogin)
                {
                    problems.Add($"{method} {url} answered {(int)response.StatusCode} to an anonymous caller");
                }
            }
        }

        Assert.True(endpoints.Count > 20, "the endpoint data source should list the app's endpoints");
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    /// <summary>A gRPC method: Grpc.AspNetCore names its endpoints "gRPC - /package.Service/Method".</summary>
    internal static bool IsGrpc(RouteEndpoint endpoint) =>
        endpoint.DisplayName?.StartsWith("gRPC - ", StringComparison.Ordinal) == true;

    private static bool IsStaticAsset(RouteEndpoint endpoint) =>
        endpoint.Metadata.Any(m => m.GetType().Name.Contains("StaticAsset", StringComparison.Ordinal));

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex RouteParameter();
}
