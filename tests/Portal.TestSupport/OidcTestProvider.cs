using System.Net;
using System.Net.Sockets;
using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using Oidc = OpenIddict.Abstractions.OpenIddictConstants;

namespace Portal.TestSupport;

/// <summary>
/// A real OpenID Connect provider on a free loopback port, for end-to-end tests of the portal's
/// OpenID Connect sign-in in a real browser.
/// <para>
/// What is real: the provider is OpenIddict's server (not a mock of the client middleware). It serves
/// discovery (<c>.well-known/openid-configuration</c>) and the JSON Web Key Set, runs the authorization
/// code flow with PKCE (<c>connect/authorize</c>, <c>connect/token</c>, client secret checked), RP-initiated
/// logout (<c>connect/logout</c>), and issues genuine identity and access tokens (JWT, RS256) signed with an
/// ephemeral RSA key that lives as long as this object. The protocol checks are OpenIddict's own: nonce, state,
/// redirect_uri binding of the code, code_verifier, code expiry, one issuer.
/// </para>
/// <para>
/// What is simplified: there is no login form and no session at the provider. Whoever the test puts in
/// <see cref="NextUser"/> is signed in straight away at the authorization endpoint (when it is null the
/// request is refused with <c>access_denied</c>). There are no stores (OpenIddict's degraded mode): one client,
/// with one redirect URI and one post-logout redirect URI, is checked by this class; codes are self-contained
/// and not revocable; plain HTTP is allowed; no refresh tokens, no userinfo endpoint.
/// </para>
/// </summary>
public sealed class OidcTestProvider : IAsyncDisposable
{
    /// <summary>The claim (and scope) carrying the user's groups.</summary>
    public const string GroupsClaim = "groups";

    private static readonly string[] BrowserMethods = ["GET", "POST"];
    private static readonly string[] OpenIddictScheme = [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme];
    private static readonly string[] BothTokens = [Oidc.Destinations.IdentityToken, Oidc.Destinations.AccessToken];
    private static readonly string[] SupportedScopes = [Oidc.Scopes.OpenId, Oidc.Scopes.Profile, Oidc.Scopes.Email, GroupsClaim];
    private static readonly string[] SupportedClaims = [Oidc.Claims.Subject, Oidc.Claims.Name, Oidc.Claims.Email, GroupsClaim];

    private readonly StringBuilder _log = new();
    private WebApplication? _app;
    private volatile OidcTestUser? _nextUser;
    private int _authorizationRequests;
    private int _endSessionRequests;

    private OidcTestProvider(int port)
    {
        Port = port;
        Authority = new Uri($"http://127.0.0.1:{port}/");
    }

    /// <summary>The issuer, e.g. <c>http://127.0.0.1:5123/</c>; use it as the client's Authority.</summary>
    public Uri Authority { get; }

    public int Port { get; }

    /// <summary>Who "signs in" at the authorization endpoint; null refuses the request (access_denied).</summary>
    public OidcTestUser? NextUser
    {
        get => _nextUser;
        set => _nextUser = value;
    }

    /// <summary>Authorization requests that passed OpenIddict's validation and reached the sign-in step.</summary>
    public int AuthorizationRequests => Volatile.Read(ref _authorizationRequests);

    /// <summary>End-session (logout) requests that passed validation.</summary>
    public int EndSessionRequests => Volatile.Read(ref _endSessionRequests);

    /// <summary>The provider's log (OpenIddict explains every rejected request here).</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>
    /// Starts a provider that knows one confidential client. The redirect URIs must be exactly those the
    /// client sends (ASP.NET Core: <c>{portal}/signin-oidc</c> and <c>{portal}/signout-callback-oidc</c>).
    /// </summary>
    public static async Task<OidcTestProvider> StartAsync(string clientId, string clientSecret, string redirectUri, string postLogoutRedirectUri)
    {
        ArgumentException.ThrowIfNullOrEmpty(clientId);
        ArgumentException.ThrowIfNullOrEmpty(clientSecret);
        ArgumentException.ThrowIfNullOrEmpty(redirectUri);
        ArgumentException.ThrowIfNullOrEmpty(postLogoutRedirectUri);

        for (var attempt = 1; ; attempt++)
        {
            var provider = new OidcTestProvider(FreePort());
            var app = provider.Build(clientId, clientSecret, redirectUri, postLogoutRedirectUri);
            try
            {
                await app.StartAsync();
                provider._app = app;
                return provider;
            }
            catch (IOException) when (attempt < 3)
            {
                // The probed port was taken before Kestrel bound it: try another one.
                await app.DisposeAsync();
            }
            catch
            {
                await app.DisposeAsync();
                throw;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        var app = Interlocked.Exchange(ref _app, null);
        if (app is null)
        {
            return;
        }
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await app.StopAsync(timeout.Token);
        }
        finally
        {
            await app.DisposeAsync();
        }
    }

    private WebApplication Build(string clientId, string clientSecret, string redirectUri, string postLogoutRedirectUri)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(OidcTestProvider).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = Environments.Production,
        });
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, Port));
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(new LogSink(_log));
        builder.Logging.AddFilter("OpenIddict", LogLevel.Information);

        builder.Services.AddOpenIddict()
            .AddServer(options =>
            {
                options.SetIssuer(Authority);
                options.SetAuthorizationEndpointUris("connect/authorize")
                       .SetTokenEndpointUris("connect/token")
                       .SetEndSessionEndpointUris("connect/logout");

                options.AllowAuthorizationCodeFlow()
                       .RequireProofKeyForCodeExchange();

                options.RegisterScopes(SupportedScopes);
                options.RegisterClaims(SupportedClaims);

                // Keys live in memory only; access tokens stay plain signed JWTs.
                options.AddEphemeralEncryptionKey()
                       .AddEphemeralSigningKey()
                       .DisableAccessTokenEncryption();

                // No application/token stores: the handlers below do the client checks.
                options.EnableDegradedMode();

                options.UseAspNetCore()
                       .DisableTransportSecurityRequirement()
                       .EnableAuthorizationEndpointPassthrough()
                       .EnableEndSessionEndpointPassthrough();

                options.AddEventHandler<OpenIddictServerEvents.ValidateAuthorizationRequestContext>(handler =>
                    handler.UseInlineHandler(context =>
                    {
                        if (!string.Equals(context.ClientId, clientId, StringComparison.Ordinal))
                        {
                            context.Reject(
                                error: Oidc.Errors.InvalidClient,
                                description: "The client_id is not known to the test provider.");
                        }
                        else if (!string.Equals(context.RedirectUri, redirectUri, StringComparison.Ordinal))
                        {
                            context.Reject(
                                error: Oidc.Errors.InvalidRequest,
                                description: $"The redirect_uri must be exactly '{redirectUri}'.");
                        }
                        return default;
                    }));

                options.AddEventHandler<OpenIddictServerEvents.ValidateTokenRequestContext>(handler =>
                    handler.UseInlineHandler(context =>
                    {
                        if (!string.Equals(context.Request.ClientId, clientId, StringComparison.Ordinal) ||
                            !string.Equals(context.Request.ClientSecret, clientSecret, StringComparison.Ordinal))
                        {
                            context.Reject(
                                error: Oidc.Errors.InvalidClient,
                                description: "The client_id or client_secret is not valid.");
                        }
                        return default;
                    }));

                options.AddEventHandler<OpenIddictServerEvents.ValidateEndSessionRequestContext>(handler =>
                    handler.UseInlineHandler(context =>
                    {
                        var requestedClient = context.Request.ClientId;
                        var requestedUri = context.Request.PostLogoutRedirectUri;
                        if (!string.IsNullOrEmpty(requestedClient) && !string.Equals(requestedClient, clientId, StringComparison.Ordinal))
                        {
                            context.Reject(
                                error: Oidc.Errors.InvalidClient,
                                description: "The client_id is not known to the test provider.");
                        }
                        else if (!string.IsNullOrEmpty(requestedUri) && !string.Equals(requestedUri, postLogoutRedirectUri, StringComparison.Ordinal))
                        {
                            context.Reject(
                                error: Oidc.Errors.InvalidRequest,
                                description: $"The post_logout_redirect_uri must be exactly '{postLogoutRedirectUri}'.");
                        }
                        return default;
                    }));
            });

        var app = builder.Build();
        app.UseRouting();
        app.UseAuthentication();

        // OpenIddict has already validated these requests (passthrough): only the outcome is decided here.
        app.MapMethods("connect/authorize", BrowserMethods, (HttpContext http) => Authorize(http));
        app.MapMethods("connect/logout", BrowserMethods, () => EndSession(postLogoutRedirectUri));
        return app;
    }

    private IResult Authorize(HttpContext http)
    {
        Interlocked.Increment(ref _authorizationRequests);
        var request = http.GetOpenIddictServerRequest()
            ?? throw new InvalidOperationException("The OpenID Connect request cannot be retrieved.");

        var user = NextUser;
        if (user is null)
        {
            var refused = new AuthenticationProperties(new Dictionary<string, string?>
            {
                [OpenIddictServerAspNetCoreConstants.Properties.Error] = Oidc.Errors.AccessDenied,
                [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] =
                    "No test user: set OidcTestProvider.NextUser before signing in.",
            });
            return Results.Forbid(refused, OpenIddictScheme);
        }

        var identity = new ClaimsIdentity(
            authenticationType: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme,
            nameType: Oidc.Claims.Name,
            roleType: Oidc.Claims.Role);
        identity.AddClaim(new Claim(Oidc.Claims.Subject, user.Subject));
        identity.AddClaim(new Claim(Oidc.Claims.Name, user.Name));
        identity.AddClaim(new Claim(Oidc.Claims.Email, user.Email));
        foreach (var group in user.Groups)
        {
            identity.AddClaim(new Claim(GroupsClaim, group));
        }

        // OpenIddict drops every claim without a destination from the tokens it issues.
        foreach (var claim in identity.Claims)
        {
            claim.SetDestinations(BothTokens);
        }

        var principal = new ClaimsPrincipal(identity).SetScopes(request.GetScopes());
        return Results.SignIn(principal, properties: null, authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private IResult EndSession(string postLogoutRedirectUri)
    {
        Interlocked.Increment(ref _endSessionRequests);
        // OpenIddict redirects to the (validated) post_logout_redirect_uri of the request, with its state;
        // RedirectUri is only the fallback when the client sent none.
        return Results.SignOut(new AuthenticationProperties { RedirectUri = postLogoutRedirectUri }, OpenIddictScheme);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Keeps the provider's log in memory, for failure messages.</summary>
    private sealed class LogSink(StringBuilder target) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new SinkLogger(target, categoryName);

        public void Dispose() => GC.SuppressFinalize(this);

        private sealed class SinkLogger(StringBuilder target, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (!IsEnabled(logLevel))
                {
                    return;
                }
                var line = $"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel} {category}: {formatter(state, exception)}";
                lock (target)
                {
                    target.AppendLine(line);
                    if (exception is not null)
                    {
                        target.AppendLine(exception.ToString());
                    }
                }
            }
        }
    }
}

/// <summary>A user the <see cref="OidcTestProvider"/> signs in: <c>sub</c>, <c>name</c>, <c>email</c>, one <c>groups</c> claim per group.</summary>
public sealed record OidcTestUser(string Subject, string Name, string Email, IReadOnlyList<string> Groups);
