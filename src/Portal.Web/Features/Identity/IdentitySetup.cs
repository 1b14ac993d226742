using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Portal.Web.Data;

namespace Portal.Web.Features.Identity;

public static class IdentitySetup
{
    public static WebApplicationBuilder AddIdentityAndAccess(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<PortalIdentityOptions>().BindConfiguration(PortalIdentityOptions.Section).ValidateDataAnnotations()
            .Validate(o => o.TrustedOrigins.All(CrossOriginRule.IsOrigin),
                "Portal:Identity:TrustedOrigins must list origins only: scheme, host and optional port, e.g. https://portal.example.com (no path).")
            .ValidateOnStart();
        services.AddOptions<BootstrapOptions>().BindConfiguration("Portal")
            .Validate(o => string.IsNullOrWhiteSpace(o.BootstrapAdminToken) || o.BootstrapAdminToken.Trim().Length >= 32,
                "Portal:BootstrapAdminToken must be at least 32 characters (or empty to turn it off), e.g. from `openssl rand -hex 32`.")
            .ValidateOnStart();
        services.AddMemoryCache();
        services.AddSingleton<SessionStamps>();

        services.AddIdentityCore<PortalUser>(o =>
            {
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                o.Lockout.AllowedForNewUsers = true;
                o.Password.RequiredLength = 12;
                o.Password.RequireNonAlphanumeric = false;
                o.Password.RequireUppercase = false;
                o.User.RequireUniqueEmail = false;
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<PortalDbContext>()
            .AddUserManager<PortalUserManager>()
            .AddSignInManager()
            .AddClaimsPrincipalFactory<PortalUserClaimsFactory>()
            .AddDefaultTokenProviders();

        var authentication = services.AddAuthentication(o =>
            {
                o.DefaultScheme = PortalSchemes.Selector;
                o.DefaultChallengeScheme = PortalSchemes.Selector;
            })
            // Tokens are for the API (and the admin-only jobs dashboard), never for pages: a page
            // request with a bearer token is treated as anonymous and sent to sign in.
            .AddPolicyScheme(PortalSchemes.Selector, "Portal", o => o.ForwardDefaultSelector = context =>
                ApiTokenAuthenticationHandler.TokenOf(context.Request, context.RequestServices.GetRequiredService<IConfiguration>()[ApiTokenAuthenticationHandler.IngestTokenHeaderSetting]) is not null
                && (context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase)
                    || ApiTokenAuthenticationHandler.IsOtlp(context.Request.Path)
                    || context.Request.Path.StartsWithSegments("/openapi", StringComparison.OrdinalIgnoreCase)
                    || context.Request.Path.StartsWithSegments("/hangfire", StringComparison.OrdinalIgnoreCase))
                    ? ApiTokenAuthenticationHandler.SchemeName
                    : PortalSchemes.Cookie)
            .AddScheme<AuthenticationSchemeOptions, ApiTokenAuthenticationHandler>(ApiTokenAuthenticationHandler.SchemeName, null);
        authentication.AddIdentityCookies();
        services.ConfigureApplicationCookie(o =>
        {
            o.LoginPath = "/account/login";
            o.AccessDeniedPath = "/account/denied";
            o.Cookie.Name = "portal.auth";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.ExpireTimeSpan = TimeSpan.FromHours(8);
            o.SlidingExpiration = true;
            // API callers get status codes, people get the sign-in page.
            o.Events.OnRedirectToLogin = context => ApiAwareRedirect(context, StatusCodes.Status401Unauthorized);
            o.Events.OnRedirectToAccessDenied = context => ApiAwareRedirect(context, StatusCodes.Status403Forbidden);
            // Every request checks the session's security stamp (cached briefly): a disabled person's cookie stops
            // working at once, not at Identity's next 30-minute validation, which still runs to refresh the claims.
            o.Events.OnValidatePrincipal = async context =>
            {
                if (context.Principal is null
                    || !await context.HttpContext.RequestServices.GetRequiredService<SessionStamps>().IsCurrentAsync(context.Principal, context.HttpContext.RequestAborted))
                {
                    context.RejectPrincipal();
                    await context.HttpContext.SignOutAsync(PortalSchemes.Cookie);
                    return;
                }
                await SecurityStampValidator.ValidatePrincipalAsync(context);
            };
        });

        var oidc = new OidcOptions();
        builder.Configuration.GetSection($"{PortalIdentityOptions.Section}:Oidc").Bind(oidc);
        if (oidc.IsConfigured)
        {
            authentication.AddOpenIdConnect(PortalSchemes.Oidc, oidc.DisplayName, o =>
            {
                o.SignInScheme = PortalSchemes.External;
                o.Authority = oidc.Authority;
                o.ClientId = oidc.ClientId;
                o.ClientSecret = oidc.ClientSecret;
                o.ResponseType = "code";
                o.UsePkce = true;
                o.RequireHttpsMetadata = oidc.RequireHttpsMetadata;
                o.MapInboundClaims = false;
                o.GetClaimsFromUserInfoEndpoint = false;
                o.SaveTokens = false;
                o.CallbackPath = "/signin-oidc";
                o.SignedOutCallbackPath = "/signout-callback-oidc";
                o.Scope.Clear();
                foreach (var scope in oidc.Scopes)
                {
                    o.Scope.Add(scope);
                }
                // A refusal or error at the provider ends on the sign-in page with a message, not an error page.
                o.Events.OnRemoteFailure = context =>
                {
                    context.Response.Redirect("/account/login?error=sso-failed");
                    context.HandleResponse();
                    return Task.CompletedTask;
                };
                o.TokenValidationParameters.NameClaimType = oidc.NameClaim;
                o.TokenValidationParameters.RoleClaimType = "role";
            });
        }

        services.AddScoped<IClaimsTransformation, PortalClaimsTransformation>();
        services.AddScoped<AccountNames>();
        services.AddCascadingAuthenticationState();
        services.AddScoped<Microsoft.AspNetCore.Components.Authorization.AuthenticationStateProvider, PortalAuthenticationStateProvider>();
        services.AddAuthorizationBuilder()
            // Belt and braces: anything that forgets its policy still needs a signed-in caller.
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(PortalPolicies.Admin, p => p.RequireAuthenticatedUser().RequireAssertion(c => AccessRules.CanAdminister(AccessFacts.From(c.User))))
            .AddPolicy(PortalPolicies.CatalogRead, p => p.RequireAuthenticatedUser().RequireAssertion(c => AccessRules.HasScope(AccessFacts.From(c.User), PortalScopes.CatalogRead)))
            .AddPolicy(PortalPolicies.CatalogWrite, p => p.RequireAuthenticatedUser().RequireAssertion(c => AccessRules.HasScope(AccessFacts.From(c.User), PortalScopes.CatalogWrite)))
            // Reading environments: a person, or a token that may read the catalog or work with environments.
            .AddPolicy(PortalPolicies.EnvironmentsRead, p => p.RequireAuthenticatedUser().RequireAssertion(c =>
                AccessFacts.From(c.User) is var who && (AccessRules.HasScope(who, PortalScopes.CatalogRead) || AccessRules.HasScope(who, PortalScopes.EnvironmentsWrite))))
            // Billing data is the platform team's: importing it takes an admin, or an admin-issued cost:write token.
            .AddPolicy(PortalPolicies.CostWrite, p => p.RequireAuthenticatedUser().RequireAssertion(c =>
                AccessFacts.From(c.User) is var who && AccessRules.HasScope(who, PortalScopes.CostWrite) && (who.IsAdmin || who.Scopes is not null)))
            // Metrics come from services with an (admin-issued) slo:ingest token, never with a person's cookie.
            .AddPolicy(PortalPolicies.SloIngest, p => p.RequireAuthenticatedUser().RequireAssertion(c =>
                AccessFacts.From(c.User) is var who && who.Scopes is not null && AccessRules.HasScope(who, PortalScopes.SloIngest)))
            // Delivery events come from CI with a token, never from a browser session (like telemetry).
            .AddPolicy(PortalPolicies.DeliveryWrite, p => p.RequireAuthenticatedUser().RequireAssertion(c =>
                AccessFacts.From(c.User) is var who && who.Scopes is not null && AccessRules.HasScope(who, PortalScopes.DeliveryWrite)))
            // The gate and metrics: readers, and the CI token that asks the gate before it deploys.
            .AddPolicy(PortalPolicies.DeliveryRead, p => p.RequireAuthenticatedUser().RequireAssertion(c =>
                AccessFacts.From(c.User) is var who && (AccessRules.HasScope(who, PortalScopes.CatalogRead) || AccessRules.HasScope(who, PortalScopes.DeliveryWrite))))
            .AddPolicy(PortalPolicies.EnvironmentsWrite, p => p.RequireAuthenticatedUser().RequireAssertion(c => AccessRules.HasScope(AccessFacts.From(c.User), PortalScopes.EnvironmentsWrite)));

        services.AddDataProtection().SetApplicationName("Portal").PersistKeysToDbContext<PortalDbContext>();

        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(PortalPolicies.SignInRateLimit, context => RateLimitPartition.GetFixedWindowLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = context.RequestServices.GetRequiredService<IOptions<PortalIdentityOptions>>().Value.SignInAttemptsPerMinute,
                    Window = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                }));
            o.AddPolicy(PortalPolicies.TokenRateLimit, context => RateLimitPartition.GetFixedWindowLimiter(
                context.User.Identity?.Name ?? context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = 30, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
        });
        return builder;
    }

    public static void UseIdentityAndAccess(this WebApplication app)
    {
        app.UseSecurityHeaders();
        app.UseAuthentication();
        // Before authorization: a forged request is refused (and audited) whatever it would have been allowed to do.
        app.UseCrossOriginGuard();
        app.UseAuthorization();
        app.UseRateLimiter();
        // After authentication: antiforgery tokens are bound to the signed-in user.
        app.UseAntiforgery();
        PortalUserClaimsFactory.UseMustChangePassword(app);
    }

    public static void MapIdentityAndAccess(this WebApplication app)
    {
        app.MapIdentityEndpoints();
    }

    /// <summary>
    /// The embedded install's first start creates <c>admin</c>: with Portal:Identity:AdminPassword
    /// when set, otherwise with a one-time password printed once to the console (never logged).
    /// </summary>
    /// <summary>
    /// Loads the Data Protection key ring, creating its first key when there is none (run under the start-up lock):
    /// otherwise replicas that start together each create a key lazily at their first sign-in, and a cookie one of them
    /// protected is unreadable to the others until their key rings refresh.
    /// </summary>
    public static void EnsureDataProtectionKey(this WebApplication app) =>
        app.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("Portal.Startup").Protect("key ring");

    public static async Task EnsureAdminAccountAsync(this WebApplication app, bool embedded)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
        foreach (var role in PortalRoles.All)
        {
            if (!await roles.RoleExistsAsync(role))
            {
                await roles.CreateAsync(new IdentityRole(role));
            }
        }
        var configured = scope.ServiceProvider.GetRequiredService<IOptions<PortalIdentityOptions>>().Value.AdminPassword;
        if (await users.FindByNameAsync("admin") is not null || (!embedded && string.IsNullOrEmpty(configured)))
        {
            return;
        }
        var password = string.IsNullOrEmpty(configured) ? LocalAccounts.NewOneTimePassword() : configured;
        var admin = new PortalUser { UserName = "admin", DisplayName = "Platform admin", CreatedAt = DateTimeOffset.UtcNow, MustChangePassword = string.IsNullOrEmpty(configured) };
        var created = await users.CreateAsync(admin, password);
        if (!created.Succeeded)
        {
            throw new Infrastructure.Hosting.PortalStartupException(
                "Could not create the admin account: " + string.Join(" ", created.Errors.Select(e => e.Description)));
        }
        await users.AddToRoleAsync(admin, PortalRoles.Admin);
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        AuditLog.Record(db, AuditActor.System, "identity.user.create", "user:admin", after: new { userName = "admin", roles = new[] { PortalRoles.Admin } });
        await db.SaveChangesAsync();
        if (string.IsNullOrEmpty(configured))
        {
            // Deliberately the console, not ILogger: log pipelines keep what they receive.
            Console.WriteLine();
            Console.WriteLine("==============================================================");
            Console.WriteLine(" Portal created the account 'admin'. One-time password:");
            Console.WriteLine($"     {password}");
            Console.WriteLine(" It is shown only now; you choose a new one at first sign-in.");
            Console.WriteLine("==============================================================");
            Console.WriteLine();
        }
    }

    private static Task ApiAwareRedirect(RedirectContext<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions> context, int status)
    {
        if (context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase)
            || context.Request.Path.StartsWithSegments("/v1", StringComparison.OrdinalIgnoreCase)
            || context.Request.Path.StartsWithSegments("/openapi", StringComparison.OrdinalIgnoreCase))
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        }
        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }
}
