using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;
using Portal.Web.Features.Identity;

namespace Portal.Web.Features.Environments;

/// <summary>The environments API under <c>/api/environments</c>: requests, decisions, lifecycle commands and the policy.</summary>
public static class EnvironmentEndpoints
{
    public static void MapEnvironmentsApi(this WebApplication app)
    {
        var api = app.MapGroup("/api/environments").WithTags("Environments").RequireAuthorization(PortalPolicies.EnvironmentsRead);
        api.MapPost("/", RequestAsync).RequireAuthorization(PortalPolicies.EnvironmentsWrite)
            .WithName("RequestEnvironment").WithSummary("Request an environment")
            .WithDescription("Asks for an ephemeral environment of a component. The environment policy decides: 201 with the new environment "
                + "(provisioning, or waiting for approval), or 422 with the policy's violations per field.")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        api.MapGet("/", ListAsync)
            .WithName("ListEnvironments").WithSummary("List environments")
            .WithDescription("The environments the caller may see, newest first (at most 1,000), filtered by `team`, `component`, `status` and `mine`.")
            .Produces<List<EnvironmentSummary>>().ProducesProblem(StatusCodes.Status400BadRequest);
        api.MapGet("/{id:guid}", GetAsync)
            .WithName("GetEnvironment").WithSummary("Get an environment").WithDescription("The environment with its runs, transitions and log.");
        api.MapGet("/figures", FiguresAsync)
            .WithName("GetEnvironmentFigures").WithSummary("Environment figures of the last 30 days").WithDescription("Counts, time to ready and policy compliance.");

        var write = api.MapGroup("/{id:guid}").RequireAuthorization(PortalPolicies.EnvironmentsWrite);
        write.MapPost("/approve", ApproveAsync)
            .WithName("ApproveEnvironment").WithSummary("Approve a requested environment").WithDescription("Approvers and admins, never for their own request.")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        write.MapPost("/reject", RejectAsync)
            .WithName("RejectEnvironment").WithSummary("Reject a requested environment")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        write.MapPost("/extend", ExtendAsync)
            .WithName("ExtendEnvironment").WithSummary("Extend an environment's time to live").WithDescription("Within the limits of the environment policy (422 beyond them).")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        write.MapPost("/cancel", CancelAsync)
            .WithName("CancelEnvironment").WithSummary("Cancel a pending or running request")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        api.MapDelete("/{id:guid}", DeleteAsync).RequireAuthorization(PortalPolicies.EnvironmentsWrite)
            .WithName("DeleteEnvironment").WithSummary("Tear an environment down").WithDescription("Starts the teardown (202); follow it with `GET /api/environments/{id}`.")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);

        var policy = api.MapGroup("/policy");
        policy.MapGet("/", GetPolicyAsync)
            .WithName("GetEnvironmentPolicy").WithSummary("Get the environment policy").WithDescription("The current policy version as YAML, with who saved it and when.");
        policy.MapGet("/versions", PolicyVersionsAsync)
            .WithName("ListEnvironmentPolicyVersions").WithSummary("List the environment policy's versions").WithDescription("Every saved version, newest first.");
        policy.MapPut("/", SavePolicyAsync).RequireAuthorization(PortalPolicies.Admin)
            .WithName("SaveEnvironmentPolicy").WithSummary("Save a new environment policy version").WithDescription("Validates the YAML (422 with the problems) and stores it as the next version.");
    }

    public static async Task<Results<Created<EnvironmentSummary>, UnprocessableEntity<ValidationProblemDetails>, ProblemHttpResult>> RequestAsync(
        EnvironmentRequest request, EnvironmentService service, HttpContext http, CancellationToken ct) =>
        Map(await service.RequestAsync(http.User, AuditActor.From(http), request, ct), e => TypedResults.Created($"/api/environments/{e.Id}", EnvironmentSummary.From(e)));

    public static async Task<IResult> ListAsync(string? team, string? component, string? status, bool? mine, PortalDbContext db, HttpContext http,
        CancellationToken ct)
    {
        var query = EnvironmentQueries.Visible(db.Environments.AsNoTracking(), AccessFacts.From(http.User));
        if (!string.IsNullOrWhiteSpace(team))
        {
            var teamRef = team.Contains(':', StringComparison.Ordinal) ? team.ToLowerInvariant() : $"group:default/{team.ToLowerInvariant()}";
            query = query.Where(e => e.OwnerTeam == teamRef);
        }
        if (!string.IsNullOrWhiteSpace(component))
        {
            var componentRef = component.Contains(':', StringComparison.Ordinal) ? component.ToLowerInvariant() : $"component:default/{component.ToLowerInvariant()}";
            query = query.Where(e => e.ComponentRef == componentRef);
        }
        if (!string.IsNullOrWhiteSpace(status))
        {
            if (!Enum.TryParse<EnvironmentStatus>(status, ignoreCase: true, out var wanted))
            {
                return TypedResults.Problem(statusCode: 400, title: "Unknown status",
                    detail: $"'{status}' is not a status; statuses: {string.Join(", ", Enum.GetNames<EnvironmentStatus>())}.");
            }
            query = query.Where(e => e.Status == wanted);
        }
        if (mine == true)
        {
            var userId = http.User.FindFirstValue(ClaimTypes.NameIdentifier);
            query = query.Where(e => e.RequestedById == userId);
        }
        var rows = await query.OrderByDescending(e => e.RequestedAt).Take(1_000).ToListAsync(ct);
        return TypedResults.Ok(rows.Select(EnvironmentSummary.From).ToList());
    }

    public static async Task<Results<Ok<EnvironmentDetail>, NotFound>> GetAsync(Guid id, PortalDbContext db, HttpContext http, CancellationToken ct)
    {
        var detail = await EnvironmentQueries.DetailAsync(db, id, ct);
        return detail is null || !await EnvironmentQueries.Visible(db.Environments, AccessFacts.From(http.User)).AnyAsync(e => e.Id == id, ct)
            ? TypedResults.NotFound() : TypedResults.Ok(detail);
    }

    public static async Task<Ok<EnvironmentFigures>> FiguresAsync(PortalDbContext db, TimeProvider time, CancellationToken ct) =>
        TypedResults.Ok(await EnvironmentFigures.LoadAsync(db, time.GetUtcNow().AddDays(-30), ct));

    public static async Task<Results<Ok<EnvironmentSummary>, UnprocessableEntity<ValidationProblemDetails>, ProblemHttpResult>> ApproveAsync(
        Guid id, DecisionRequest? body, EnvironmentService service, HttpContext http, CancellationToken ct) =>
        Map(await service.ApproveAsync(http.User, AuditActor.From(http), id, body?.Comment, ct), e => TypedResults.Ok(EnvironmentSummary.From(e)));

    public static async Task<Results<Ok<EnvironmentSummary>, UnprocessableEntity<ValidationProblemDetails>, ProblemHttpResult>> RejectAsync(
        Guid id, DecisionRequest? body, EnvironmentService service, HttpContext http, CancellationToken ct) =>
        Map(await service.RejectAsync(http.User, AuditActor.From(http), id, body?.Comment, ct), e => TypedResults.Ok(EnvironmentSummary.From(e)));

    public static async Task<Results<Ok<EnvironmentSummary>, UnprocessableEntity<ValidationProblemDetails>, ProblemHttpResult>> ExtendAsync(
        Guid id, ExtendRequest body, EnvironmentService service, HttpContext http, CancellationToken ct) =>
        Map(await service.ExtendAsync(http.User, AuditActor.From(http), id, body.Ttl, ct), e => TypedResults.Ok(EnvironmentSummary.From(e)));

    public static async Task<Results<Ok<EnvironmentSummary>, UnprocessableEntity<ValidationProblemDetails>, ProblemHttpResult>> CancelAsync(
        Guid id, EnvironmentService service, HttpContext http, CancellationToken ct) =>
        Map(await service.CancelAsync(http.User, AuditActor.From(http), id, ct), e => TypedResults.Ok(EnvironmentSummary.From(e)));

    public static async Task<Results<Accepted<EnvironmentSummary>, UnprocessableEntity<ValidationProblemDetails>, ProblemHttpResult>> DeleteAsync(
        Guid id, EnvironmentService service, HttpContext http, CancellationToken ct) =>
        Map(await service.DeleteAsync(http.User, AuditActor.From(http), id, ct), e => TypedResults.Accepted($"/api/environments/{e.Id}", EnvironmentSummary.From(e)));

    public static async Task<Ok<PolicyDocument>> GetPolicyAsync(PortalDbContext db, CancellationToken ct)
    {
        await EnvironmentService.LoadPolicyAsync(db, ct);
        var current = await db.EnvironmentPolicyVersions.AsNoTracking().OrderByDescending(p => p.Version).FirstAsync(ct);
        return TypedResults.Ok(new PolicyDocument(current.Version, current.Yaml, current.CreatedAt, current.CreatedBy, current.Comment));
    }

    public static async Task<Ok<List<PolicyDocument>>> PolicyVersionsAsync(PortalDbContext db, CancellationToken ct) =>
        TypedResults.Ok(await db.EnvironmentPolicyVersions.AsNoTracking().OrderByDescending(p => p.Version)
            .Select(p => new PolicyDocument(p.Version, p.Yaml, p.CreatedAt, p.CreatedBy, p.Comment)).ToListAsync(ct));

    public static async Task<Results<Ok<PolicyDocument>, UnprocessableEntity<ValidationProblemDetails>>> SavePolicyAsync(
        SavePolicyRequest body, PortalDbContext db, TimeProvider time, HttpContext http, CancellationToken ct)
    {
        var (saved, errors) = await EnvironmentPolicies.SaveAsync(db, AuditActor.From(http), body.Yaml ?? "", body.Comment, time.GetUtcNow(), ct);
        return saved is null
            ? TypedResults.UnprocessableEntity(new ValidationProblemDetails(new Dictionary<string, string[]> { ["yaml"] = [.. errors] })
                { Title = "The policy is not valid", Status = 422 })
            : TypedResults.Ok(new PolicyDocument(saved.Version, saved.Yaml, saved.CreatedAt, saved.CreatedBy, saved.Comment));
    }

    /// <summary>One mapping from command outcomes to HTTP: 422 with violations per field, 403, 404, 409.</summary>
    private static Results<T, UnprocessableEntity<ValidationProblemDetails>, ProblemHttpResult> Map<T>(EnvironmentOutcome outcome, Func<PortalEnvironment, T> ok)
        where T : IResult
    {
        if (outcome.Environment is { } environment)
        {
            return ok(environment);
        }
        if (outcome.Violations.Count > 0)
        {
            var errors = outcome.Violations.GroupBy(v => v.Field).ToDictionary(g => g.Key, g => g.Select(v => v.Message).ToArray());
            return TypedResults.UnprocessableEntity(new ValidationProblemDetails(errors)
            {
                Title = "The request breaks the environment policy", Status = 422,
            });
        }
        if (outcome.Denied is { } denied)
        {
            return TypedResults.Problem(statusCode: 403, title: "Not allowed", detail: denied);
        }
        return outcome.NotFound
            ? TypedResults.Problem(statusCode: 404, title: "No such environment")
            : TypedResults.Problem(statusCode: 409, title: "Not possible now", detail: outcome.Conflict);
    }
}
