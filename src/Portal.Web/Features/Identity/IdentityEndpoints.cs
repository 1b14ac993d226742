using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Web.Data;
using Portal.Web.Infrastructure.OpenApi;

namespace Portal.Web.Features.Identity;

/// <summary>
/// Identity's route table. The API lives under <c>/api/identity</c> (who am I, tokens, people, the audit log);
/// <c>/account</c> takes the form posts of the static sign-in pages, which browsers post without JavaScript.
/// </summary>
public static class IdentityEndpoints
{
    public const int MaxAuditRows = 10_000;

    public static void MapIdentityEndpoints(this WebApplication app)
    {
        var api = app.MapGroup("/api/identity").WithTags("Identity").RequireAuthorization();
        api.MapGet("/me", Me)
            .WithName("GetMe").WithSummary("Who am I").WithDescription("The caller as the portal sees it: user, catalog user, teams, roles and (for a token) its scopes.");

        var tokens = api.MapGroup("/tokens");
        tokens.MapGet("/", ListTokensAsync)
            .WithName("ListTokens").WithSummary("List API tokens").WithDescription("The caller's own tokens (never their secrets); admins get every token with `all=true`.");
        tokens.MapPost("/", CreateTokenAsync).RequireRateLimiting(PortalPolicies.TokenRateLimit)
            .WithName("CreateToken").WithSummary("Create an API token")
            .WithDescription("Answers the secret once (201). A personal token acts as the caller and expires in 1-365 days; service tokens are for admins. "
                + "No scope beyond the caller's own, and a caller that is itself a token needs the `admin` scope. Rate limited (429).")
            .Produces(StatusCodes.Status429TooManyRequests);
        tokens.MapDelete("/{id:guid}", RevokeTokenAsync).RequireRateLimiting(PortalPolicies.TokenRateLimit)
            .WithName("RevokeToken").WithSummary("Revoke an API token").WithDescription("The caller's own token; admins may revoke any. Rate limited (429).")
            .Produces(StatusCodes.Status429TooManyRequests);

        var users = api.MapGroup("/users").RequireAuthorization(PortalPolicies.Admin);
        users.MapGet("/", ListUsersAsync)
            .WithName("ListUsers").WithSummary("List users").WithDescription("Every account with its roles, source and lockout state.");
        users.MapPost("/", CreateUserAsync)
            .WithName("CreateUser").WithSummary("Create a local account");
        users.MapPut("/{id}/roles", SetRolesAsync)
            .WithName("SetUserRoles").WithSummary("Set a user's roles").WithDescription("Replaces the stored roles (`admin`, `approver`); the person's other sessions end.");
        users.MapPost("/{id}/unlock", UnlockAsync)
            .WithName("UnlockUser").WithSummary("Unlock or enable an account");
        users.MapPost("/{id}/disable", DisableAsync)
            .WithName("DisableUser").WithSummary("Disable an account").WithDescription("It cannot sign in, its sessions end and its personal tokens are refused. Nobody disables themselves.");
        users.MapPost("/{id}/reset-password", ResetPasswordAsync)
            .WithName("ResetUserPassword").WithSummary("Reset a local account's password").WithDescription("Answers a one-time password, once; it must be changed at the next sign-in.");

        var audit = api.MapGroup("/audit").WithTags("Audit").RequireAuthorization(PortalPolicies.Admin);
        audit.MapGet("/", AuditAsync)
            .WithName("ListAuditEntries").WithSummary("Read the audit log").WithDescription("Entries newest first, filtered by actor, action prefix, target and time.");
        audit.MapGet("/export.csv", AuditCsvAsync)
            .WithName("ExportAuditEntries").WithSummary("Export the audit log as CSV").WithDescription("At most 10,000 rows; cells a spreadsheet would run as a formula are prefixed with `'`.")
            .Produces<string>(StatusCodes.Status200OK, "text/csv");
        // The audit log's first address, kept because scripts call it: the same handlers, left out of the OpenAPI document.
        var auditAlias = app.MapDeprecatedAlias("/api/admin/audit", "/api/identity/audit", ApiDeprecations.AuditPrefixMoved, ApiDeprecations.AuditPrefixSunset)
            .WithTags("Audit").RequireAuthorization(PortalPolicies.Admin);
        auditAlias.MapGet("/", AuditAsync);
        auditAlias.MapGet("/export.csv", AuditCsvAsync);

        var account = app.MapGroup("/account").WithTags("Account");
        account.MapPost("/sign-in", SignInAsync).AllowAnonymous().RequireRateLimiting(PortalPolicies.SignInRateLimit)
            .WithName("SignIn").WithSummary("Sign in (the sign-in form's post)")
            .WithDescription("A form post with an antiforgery token, for the portal's own sign-in page; it answers with a redirect (to the return URL, "
                + "or back to the form with `error=`). API clients use a token instead.")
            .Produces(StatusCodes.Status302Found).Produces(StatusCodes.Status429TooManyRequests);
        account.MapPost("/logout", SignOutAsync).RequireAuthorization()
            .WithName("SignOut").WithSummary("Sign out").WithDescription("Ends the session and redirects to the sign-in page.")
            .Produces(StatusCodes.Status302Found);
        account.MapPost("/change-password", ChangePasswordAsync).RequireAuthorization().RequireRateLimiting(PortalPolicies.SignInRateLimit)
            .WithName("ChangePassword").WithSummary("Change the password (the password form's post)").WithDescription("A form post with an antiforgery token; redirects with the outcome.")
            .Produces(StatusCodes.Status302Found).Produces(StatusCodes.Status429TooManyRequests);
        account.MapGet("/oidc", StartSingleSignOn).AllowAnonymous().RequireRateLimiting(PortalPolicies.SignInRateLimit)
            .WithName("StartSingleSignOn").WithSummary("Start single sign-on").WithDescription("Redirects the browser to the OpenID Connect provider.")
            .Produces(StatusCodes.Status302Found).Produces(StatusCodes.Status429TooManyRequests);
        account.MapGet("/oidc/complete", CompleteSingleSignOnAsync).AllowAnonymous()
            .WithName("CompleteSingleSignOn").WithSummary("Finish single sign-on").WithDescription("Where the provider's answer lands: signs the person in and redirects to the return URL.")
            .Produces(StatusCodes.Status302Found);
    }

    private static Ok<MeView> Me(HttpContext http) => TypedResults.Ok(UserAdministration.Me(http.User));

    private static async Task<Ok<List<TokenView>>> ListTokensAsync(bool? all, PortalDbContext db, HttpContext http, CancellationToken ct)
    {
        var who = AccessFacts.From(http.User);
        var list = await ApiTokens.Visible(db, who, all ?? false).AsNoTracking().OrderByDescending(t => t.CreatedAt).ToListAsync(ct);
        return TypedResults.Ok(list.Select(TokenView.From).ToList());
    }

    private static async Task<Results<Created<CreatedToken>, ValidationProblem, ForbidHttpResult>> CreateTokenAsync(CreateTokenRequest request,
        PortalDbContext db, HttpContext http, TimeProvider time, CancellationToken ct)
    {
        var who = AccessFacts.From(http.User);
        // A token may mint tokens only if it is an admin token: a leaked narrow token cannot widen itself.
        if (who.Scopes is not null && !who.Scopes.Contains(PortalScopes.Admin))
        {
            return TypedResults.Forbid();
        }
        if (request.Kind == ApiTokenKind.Service && !who.IsAdmin)
        {
            return TypedResults.Forbid();
        }
        var errors = ApiTokens.Validate(request, who);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        if (request.Kind == ApiTokenKind.Personal && who.UserId is null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["kind"] = ["Only a person can own a personal token; create a service token."] });
        }
        var created = await ApiTokens.CreateAsync(db, http.User, AuditActor.From(http), request, time.GetUtcNow(), ct);
        return TypedResults.Created($"/api/identity/tokens/{created.Id}", created);
    }

    private static async Task<Results<NoContent, NotFound, ForbidHttpResult>> RevokeTokenAsync(Guid id, PortalDbContext db, HttpContext http,
        TimeProvider time, CancellationToken ct) =>
        await ApiTokens.RevokeAsync(db, AccessFacts.From(http.User), AuditActor.From(http), id, time.GetUtcNow(), ct) switch
        {
            ApiTokens.RevokeOutcome.NotFound => TypedResults.NotFound(),
            ApiTokens.RevokeOutcome.Forbidden => TypedResults.Forbid(),
            _ => TypedResults.NoContent(),
        };

    private static async Task<Ok<List<UserView>>> ListUsersAsync(PortalDbContext db, CancellationToken ct) =>
        TypedResults.Ok(await UserAdministration.ListAsync(db, ct));

    private static async Task<Results<Created<UserView>, ValidationProblem>> CreateUserAsync(CreateUserRequest request, UserManager<PortalUser> userManager,
        PortalDbContext db, HttpContext http, CancellationToken ct)
    {
        var (user, errors) = await UserAdministration.CreateAsync(userManager, db, AuditActor.From(http), request, ct);
        return user is null ? TypedResults.ValidationProblem(errors) : TypedResults.Created($"/api/identity/users/{user.Id}", user);
    }

    private static async Task<Results<NoContent, NotFound, ValidationProblem>> SetRolesAsync(string id, SetRolesRequest request,
        UserManager<PortalUser> userManager, PortalDbContext db, HttpContext http, CancellationToken ct)
    {
        var errors = await UserAdministration.SetRolesAsync(userManager, db, AuditActor.From(http), id, request.Roles ?? [], ct);
        return errors is null ? TypedResults.NotFound() : errors.Count > 0 ? TypedResults.ValidationProblem(errors) : TypedResults.NoContent();
    }

    private static async Task<Results<NoContent, NotFound>> UnlockAsync(string id, UserManager<PortalUser> userManager, PortalDbContext db,
        HttpContext http, CancellationToken ct) =>
        await UserAdministration.UnlockAsync(userManager, db, AuditActor.From(http), id, ct) ? TypedResults.NoContent() : TypedResults.NotFound();

    private static async Task<Results<NoContent, NotFound, ValidationProblem>> DisableAsync(string id, UserManager<PortalUser> userManager,
        PortalDbContext db, HttpContext http, CancellationToken ct)
    {
        var outcome = await UserAdministration.DisableAsync(userManager, db, AuditActor.From(http), http.User.FindFirstValue(ClaimTypes.NameIdentifier), id, ct);
        return outcome is null ? TypedResults.NotFound()
            : outcome.Length > 0 ? TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["id"] = [outcome] }) : TypedResults.NoContent();
    }

    private static async Task<Results<Ok<OneTimePassword>, NotFound, ValidationProblem>> ResetPasswordAsync(string id,
        UserManager<PortalUser> userManager, PortalDbContext db, HttpContext http, CancellationToken ct)
    {
        var (password, error) = await UserAdministration.ResetPasswordAsync(userManager, db, AuditActor.From(http), id, ct);
        return error is not null ? TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["id"] = [error] })
            : password is null ? TypedResults.NotFound() : TypedResults.Ok(new OneTimePassword(password));
    }

    private static async Task<Ok<List<AuditView>>> AuditAsync([AsParameters] AuditFilter filter, int? limit, PortalDbContext db, CancellationToken ct)
    {
        var rows = await AuditQueries.Filter(db.AuditEntries.AsNoTracking(), filter).Take(Math.Clamp(limit ?? 100, 1, MaxAuditRows)).ToListAsync(ct);
        return TypedResults.Ok(rows.Select(AuditView.From).ToList());
    }

    private static async Task<FileContentHttpResult> AuditCsvAsync([AsParameters] AuditFilter filter, PortalDbContext db, CancellationToken ct)
    {
        var rows = await AuditQueries.Filter(db.AuditEntries.AsNoTracking(), filter).Take(MaxAuditRows).ToListAsync(ct);
        return TypedResults.File(Encoding.UTF8.GetBytes(AuditQueries.ToCsv(rows.Select(AuditView.From))), "text/csv", "audit-log.csv");
    }

    private static async Task<IResult> SignInAsync([FromForm] string? userName, [FromForm] string? password, [FromForm] string? returnUrl,
        SignInManager<PortalUser> signIn, PortalDbContext db, [FromServices] PersonDirectory people, IOptions<PortalIdentityOptions> options, HttpContext http)
    {
        var back = LocalAccounts.SafeReturnUrl(returnUrl);
        if (!options.Value.LocalAccounts)
        {
            return Results.LocalRedirect(LoginUrl("disabled", back));
        }
        if (string.IsNullOrWhiteSpace(userName) || string.IsNullOrEmpty(password) || userName.Length > 256 || password.Length > 1024)
        {
            return Results.LocalRedirect(LoginUrl("missing", back));
        }
        var users = signIn.UserManager;
        var user = await users.FindByNameAsync(userName.Trim()) ?? await users.FindByEmailAsync(userName.Trim());
        var actor = new AuditActor("user", userName.Trim(), http.Connection.RemoteIpAddress?.ToString());
        // No such person, no password (single sign-on) and locked out all answer like a wrong password, after the same
        // work (one password hash), so the answer does not tell which accounts exist. The audit log keeps the difference.
        var lockedOut = user is not null && await users.IsLockedOutAsync(user);
        if (user?.PasswordHash is null || lockedOut)
        {
            SignInTiming.HashAgainstDummy(users.PasswordHasher, password);
            await AuditLog.WriteAsync(db, actor, "identity.sign-in", $"user:{user?.UserName ?? userName.Trim()}", lockedOut ? "denied" : "failed", http.RequestAborted);
            return Results.LocalRedirect(LoginUrl("invalid", back));
        }
        // PasswordSignInAsync in two steps, so that the cookie carries a display name filled in between.
        var result = await signIn.CheckPasswordSignInAsync(user, password, lockoutOnFailure: true);
        if (!result.Succeeded)
        {
            await AuditLog.WriteAsync(db, actor, "identity.sign-in", $"user:{user.UserName}", result.IsLockedOut ? "denied" : "failed", http.RequestAborted);
            return Results.LocalRedirect(LoginUrl("invalid", back));
        }
        // An account an admin created without a display name takes the catalog's name for the person: pages show names, not logins.
        await AccountProfile.FillDisplayNameAsync(users, people, db, user, matchByName: true, http.RequestAborted);
        await signIn.SignInWithClaimsAsync(user, isPersistent: false, [new Claim("amr", "pwd")]);
        await AuditLog.WriteAsync(db, actor, "identity.sign-in", $"user:{user.UserName}", "success", http.RequestAborted);
        return Results.LocalRedirect(user.MustChangePassword ? $"/account/password?returnUrl={Uri.EscapeDataString(back)}" : back);
    }

    private static async Task<IResult> SignOutAsync(SignInManager<PortalUser> signIn, PortalDbContext db, HttpContext http)
    {
        AuditLog.Record(db, AuditActor.From(http), "identity.sign-out", $"user:{http.User.Identity?.Name}");
        await db.SaveChangesAsync(http.RequestAborted);
        await signIn.SignOutAsync();
        return Results.LocalRedirect("/account/login?signedOut=1");
    }

    private static async Task<IResult> ChangePasswordAsync([FromForm] string? currentPassword, [FromForm] string? newPassword,
        [FromForm] string? confirmPassword, [FromForm] string? returnUrl, SignInManager<PortalUser> signIn, PortalDbContext db, HttpContext http)
    {
        var back = LocalAccounts.SafeReturnUrl(returnUrl);
        var user = await signIn.UserManager.GetUserAsync(http.User);
        if (user is null)
        {
            return Results.LocalRedirect("/account/login");
        }
        if (string.IsNullOrEmpty(newPassword) || newPassword != confirmPassword)
        {
            return Results.LocalRedirect(PasswordUrl("The new passwords do not match.", back));
        }
        var changed = await signIn.UserManager.ChangePasswordAsync(user, currentPassword ?? "", newPassword);
        if (!changed.Succeeded)
        {
            return Results.LocalRedirect(PasswordUrl(string.Join(" ", changed.Errors.Select(e => e.Description)), back));
        }
        user.MustChangePassword = false;
        await signIn.UserManager.UpdateAsync(user);
        AuditLog.Record(db, AuditActor.From(http), "identity.password.change", $"user:{user.UserName}");
        await db.SaveChangesAsync(http.RequestAborted);
        await signIn.RefreshSignInAsync(user);
        return Results.LocalRedirect(back);
    }

    private static IResult StartSingleSignOn(string? returnUrl, IOptions<PortalIdentityOptions> options)
    {
        if (!options.Value.Oidc.IsConfigured)
        {
            return Results.LocalRedirect(LoginUrl("no-sso", "/"));
        }
        var properties = new AuthenticationProperties
        {
            RedirectUri = $"/account/oidc/complete?returnUrl={Uri.EscapeDataString(LocalAccounts.SafeReturnUrl(returnUrl))}",
        };
        return Results.Challenge(properties, [PortalSchemes.Oidc]);
    }

    private static async Task<IResult> CompleteSingleSignOnAsync(string? returnUrl, SignInManager<PortalUser> signIn, PortalDbContext db,
        [FromServices] PersonDirectory people, IOptions<PortalIdentityOptions> options, HttpContext http)
    {
        var back = LocalAccounts.SafeReturnUrl(returnUrl);
        var external = await http.AuthenticateAsync(PortalSchemes.External);
        if (!external.Succeeded || external.Principal is null)
        {
            return Results.LocalRedirect(LoginUrl("sso-failed", back));
        }
        var oidc = options.Value.Oidc;
        var principal = external.Principal;
        var subject = principal.FindFirstValue("sub") ?? principal.FindFirstValue(ClaimTypes.NameIdentifier);
        if (subject is null)
        {
            return Results.LocalRedirect(LoginUrl("sso-failed", back));
        }
        var email = principal.FindFirstValue(oidc.EmailClaim);
        var name = principal.FindFirstValue(oidc.NameClaim);
        var groups = principal.FindAll(oidc.GroupsClaim).Select(c => c.Value).ToList();

        var users = signIn.UserManager;
        var user = await users.FindByLoginAsync(PortalSchemes.Oidc, subject);
        var isNew = user is null;
        if (user is null)
        {
            user = new PortalUser
            {
                UserName = await UniqueUserNameAsync(users, email is not null ? email.Split('@')[0] : subject),
                Email = email,
                DisplayName = name,
                Source = oidc.Authority!,
                CreatedAt = DateTimeOffset.UtcNow,
            };
            var created = await users.CreateAsync(user);
            if (!created.Succeeded)
            {
                return Results.LocalRedirect(LoginUrl("sso-failed", back));
            }
            await users.AddLoginAsync(user, new UserLoginInfo(PortalSchemes.Oidc, subject, oidc.DisplayName));
        }
        else
        {
            user.Email = email ?? user.Email;
            user.DisplayName = name ?? user.DisplayName;
            await users.UpdateAsync(user);
        }
        // The provider's groups as of this sign-in replace the ones remembered from the last.
        var remembered = (await users.GetClaimsAsync(user)).Where(c => c.Type == PortalClaimsTransformation.ProviderGroupClaim).ToList();
        await users.RemoveClaimsAsync(user, remembered);
        await users.AddClaimsAsync(user, groups.Select(g => new Claim(PortalClaimsTransformation.ProviderGroupClaim, g)));
        if (email is not null)
        {
            await users.RemoveClaimsAsync(user, (await users.GetClaimsAsync(user)).Where(c => c.Type == ClaimTypes.Email));
            await users.AddClaimAsync(user, new Claim(ClaimTypes.Email, email));
        }

        // A provider that sends no name: the catalog's name for the person, found by e-mail only (see PersonDirectory).
        await AccountProfile.FillDisplayNameAsync(users, people, db, user, matchByName: false, http.RequestAborted);
        await http.SignOutAsync(PortalSchemes.External);
        await signIn.SignInAsync(user, isPersistent: false, authenticationMethod: PortalSchemes.Oidc);
        var actor = new AuditActor("user", user.UserName!, http.Connection.RemoteIpAddress?.ToString());
        if (isNew)
        {
            AuditLog.Record(db, actor, "identity.user.create", $"user:{user.UserName}", after: new { user.UserName, user.Email, source = user.Source });
        }
        AuditLog.Record(db, actor, "identity.sign-in", $"user:{user.UserName}");
        await db.SaveChangesAsync(http.RequestAborted);
        return Results.LocalRedirect(back);
    }

    private static string LoginUrl(string error, string returnUrl) =>
        $"/account/login?error={error}&returnUrl={Uri.EscapeDataString(returnUrl)}";

    private static string PasswordUrl(string error, string returnUrl) =>
        $"/account/password?error={Uri.EscapeDataString(error)}&returnUrl={Uri.EscapeDataString(returnUrl)}";

    private static async Task<string> UniqueUserNameAsync(UserManager<PortalUser> users, string wanted)
    {
        var name = wanted;
        for (var i = 2; await users.FindByNameAsync(name) is not null; i++)
        {
            name = $"{wanted}{i}";
        }
        return name;
    }
}
