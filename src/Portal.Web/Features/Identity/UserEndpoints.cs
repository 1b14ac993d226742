using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Portal.Web.Data;

namespace Portal.Web.Features.Identity;

public static class UserEndpoints
{
    public static void MapUserEndpoints(this WebApplication app)
    {
        app.MapGet("/api/identity/me", (HttpContext http) => TypedResults.Ok(UserAdministration.Me(http.User)))
            .WithTags("Identity").RequireAuthorization();

        var users = app.MapGroup("/api/identity/users").WithTags("Identity").RequireAuthorization(PortalPolicies.Admin);

        users.MapGet("/", async (PortalDbContext db, CancellationToken ct) => TypedResults.Ok(await UserAdministration.ListAsync(db, ct)));

        users.MapPost("/", async Task<Results<Created<UserView>, ValidationProblem>> (CreateUserRequest request, UserManager<PortalUser> userManager,
            PortalDbContext db, HttpContext http, CancellationToken ct) =>
        {
            var (user, errors) = await UserAdministration.CreateAsync(userManager, db, AuditActor.From(http), request, ct);
            return user is null ? TypedResults.ValidationProblem(errors) : TypedResults.Created($"/api/identity/users/{user.Id}", user);
        });

        users.MapPut("/{id}/roles", async Task<Results<NoContent, NotFound, ValidationProblem>> (string id, SetRolesRequest request,
            UserManager<PortalUser> userManager, PortalDbContext db, HttpContext http, CancellationToken ct) =>
        {
            var errors = await UserAdministration.SetRolesAsync(userManager, db, AuditActor.From(http), id, request.Roles ?? [], ct);
            return errors is null ? TypedResults.NotFound() : errors.Count > 0 ? TypedResults.ValidationProblem(errors) : TypedResults.NoContent();
        });

        users.MapPost("/{id}/unlock", async Task<Results<NoContent, NotFound>> (string id, UserManager<PortalUser> userManager, PortalDbContext db,
            HttpContext http, CancellationToken ct) =>
            await UserAdministration.UnlockAsync(userManager, db, AuditActor.From(http), id, ct) ? TypedResults.NoContent() : TypedResults.NotFound());

        users.MapPost("/{id}/disable", async Task<Results<NoContent, NotFound, ValidationProblem>> (string id, UserManager<PortalUser> userManager,
            PortalDbContext db, HttpContext http, CancellationToken ct) =>
        {
            var outcome = await UserAdministration.DisableAsync(userManager, db, AuditActor.From(http), http.User.FindFirstValue(ClaimTypes.NameIdentifier), id, ct);
            return outcome is null ? TypedResults.NotFound()
                : outcome.Length > 0 ? TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["id"] = [outcome] }) : TypedResults.NoContent();
        });

        users.MapPost("/{id}/reset-password", async Task<Results<Ok<OneTimePassword>, NotFound, ValidationProblem>> (string id,
            UserManager<PortalUser> userManager, PortalDbContext db, HttpContext http, CancellationToken ct) =>
        {
            var (password, error) = await UserAdministration.ResetPasswordAsync(userManager, db, AuditActor.From(http), id, ct);
            return error is not null ? TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["id"] = [error] })
                : password is null ? TypedResults.NotFound() : TypedResults.Ok(new OneTimePassword(password));
        });
    }
}
