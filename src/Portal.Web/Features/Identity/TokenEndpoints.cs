using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;

namespace Portal.Web.Features.Identity;

public static class TokenEndpoints
{
    public static void MapTokenEndpoints(this WebApplication app)
    {
        var tokens = app.MapGroup("/api/identity/tokens").WithTags("Identity").RequireAuthorization();

        tokens.MapGet("/", async (bool? all, PortalDbContext db, HttpContext http, CancellationToken ct) =>
        {
            var who = AccessFacts.From(http.User);
            var list = await ApiTokens.Visible(db, who, all ?? false).AsNoTracking().OrderByDescending(t => t.CreatedAt).ToListAsync(ct);
            return TypedResults.Ok(list.Select(TokenView.From).ToList());
        });

        tokens.MapPost("/", async Task<Microsoft.AspNetCore.Http.HttpResults.Results<Microsoft.AspNetCore.Http.HttpResults.Created<CreatedToken>, Microsoft.AspNetCore.Http.HttpResults.ValidationProblem, Microsoft.AspNetCore.Http.HttpResults.ForbidHttpResult>>
            (CreateTokenRequest request, PortalDbContext db, HttpContext http, TimeProvider time, CancellationToken ct) =>
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
        }).RequireRateLimiting(PortalPolicies.TokenRateLimit);

        tokens.MapDelete("/{id:guid}", async Task<IResult> (Guid id, PortalDbContext db, HttpContext http, TimeProvider time, CancellationToken ct) =>
        {
            var outcome = await ApiTokens.RevokeAsync(db, AccessFacts.From(http.User), AuditActor.From(http), id, time.GetUtcNow(), ct);
            return outcome switch
            {
                ApiTokens.RevokeOutcome.NotFound => TypedResults.NotFound(),
                ApiTokens.RevokeOutcome.Forbidden => TypedResults.Forbid(),
                _ => TypedResults.NoContent(),
            };
        }).RequireRateLimiting(PortalPolicies.TokenRateLimit);
    }
}
