using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;
using Portal.Web.Features.Identity;

namespace Portal.Web.Features.Environments;

public static class EnvironmentEndpoints
{
    /// <summary>The most log lines returned per run.</summary>
    public const int MaxLogLines = 2_000;

    public static void MapEnvironmentsApi(this WebApplication app)
    {
        var api = app.MapGroup("/api/environments").WithTags("Environments").RequireAuthorization(PortalPolicies.EnvironmentsRead);

        api.MapPost("/", async Task<Results<Created<EnvironmentSummary>, UnprocessableEntity<ValidationProblemDetails>, ProblemHttpResult>> (
            EnvironmentRequest request, EnvironmentService service, HttpContext http, CancellationToken ct) =>
            Map(await service.RequestAsync(http.User, AuditActor.From(http), request, ct), e => TypedResults.Created($"/api/environments/{e.Id}", EnvironmentSummary.From(e))))
            .RequireAuthorization(PortalPolicies.EnvironmentsWrite);

        api.MapGet("/", async Task<IResult> (string? team, string? component, string? status, bool? mine, IDbContextFactory<PortalDbContext> dbFactory,
            HttpContext http, CancellationToken ct) =>
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var query = Visible(db.Environments.AsNoTracking(), AccessFacts.From(http.User));
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
        });

        api.MapGet("/{id:guid}", async Task<Results<Ok<EnvironmentDetail>, NotFound>> (Guid id, IDbContextFactory<PortalDbContext> dbFactory, HttpContext http, CancellationToken ct) =>
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var detail = await DetailAsync(db, id, ct);
            return detail is null || !await Visible(db.Environments, AccessFacts.From(http.User)).AnyAsync(e => e.Id == id, ct)
                ? TypedResults.NotFound() : TypedResults.Ok(detail);
        });

        api.MapGet("/figures", async (IDbContextFactory<PortalDbContext> dbFactory, TimeProvider time, CancellationToken ct) =>
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            return TypedResults.Ok(await EnvironmentFigures.LoadAsync(db, time.GetUtcNow().AddDays(-30), ct));
        });

        var write = api.MapGroup("/{id:guid}").RequireAuthorization(PortalPolicies.EnvironmentsWrite);
        write.MapPost("/approve", async Task<Results<Ok<EnvironmentSummary>, UnprocessableEntity<ValidationProblemDetails>, ProblemHttpResult>> (
            Guid id, DecisionRequest? body, EnvironmentService service, HttpContext http, CancellationToken ct) =>
            Map(await service.ApproveAsync(http.User, AuditActor.From(http), id, body?.Comment, ct), e => TypedResults.Ok(EnvironmentSummary.From(e))));
        write.MapPost("/reject", async Task<Results<Ok<EnvironmentSummary>, UnprocessableEntity<ValidationProblemDetails>, ProblemHttpResult>> (
            Guid id, DecisionRequest? body, EnvironmentService service, HttpContext http, CancellationToken ct) =>
            Map(await service.RejectAsync(http.User, AuditActor.From(http), id, body?.Comment, ct), e => TypedResults.Ok(EnvironmentSummary.From(e))));
        write.MapPost("/extend", async Task<Results<Ok<EnvironmentSummary>, UnprocessableEntity<ValidationProblemDetails>, ProblemHttpResult>> (
            Guid id, ExtendRequest body, EnvironmentService service, HttpContext http, CancellationToken ct) =>
            Map(await service.ExtendAsync(http.User, AuditActor.From(http), id, body.Ttl, ct), e => TypedResults.Ok(EnvironmentSummary.From(e))));
        write.MapPost("/cancel", async Task<Results<Ok<EnvironmentSummary>, UnprocessableEntity<ValidationProblemDetails>, ProblemHttpResult>> (
            Guid id, EnvironmentService service, HttpContext http, CancellationToken ct) =>
            Map(await service.CancelAsync(http.User, AuditActor.From(http), id, ct), e => TypedResults.Ok(EnvironmentSummary.From(e))));
        api.MapDelete("/{id:guid}", async Task<Results<Accepted<EnvironmentSummary>, UnprocessableEntity<ValidationProblemDetails>, ProblemHttpResult>> (
            Guid id, EnvironmentService service, HttpContext http, CancellationToken ct) =>
            Map(await service.DeleteAsync(http.User, AuditActor.From(http), id, ct), e => TypedResults.Accepted($"/api/environments/{e.Id}", EnvironmentSummary.From(e))))
            .RequireAuthorization(PortalPolicies.EnvironmentsWrite);

        var policy = api.MapGroup("/policy");
        policy.MapGet("/", async (IDbContextFactory<PortalDbContext> dbFactory, CancellationToken ct) =>
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            await EnvironmentService.LoadPolicyAsync(db, ct);
            var current = await db.EnvironmentPolicyVersions.AsNoTracking().OrderByDescending(p => p.Version).FirstAsync(ct);
            return TypedResults.Ok(new PolicyDocument(current.Version, current.Yaml, current.CreatedAt, current.CreatedBy, current.Comment));
        });
        policy.MapGet("/versions", async (IDbContextFactory<PortalDbContext> dbFactory, CancellationToken ct) =>
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            return TypedResults.Ok(await db.EnvironmentPolicyVersions.AsNoTracking().OrderByDescending(p => p.Version)
                .Select(p => new PolicyDocument(p.Version, p.Yaml, p.CreatedAt, p.CreatedBy, p.Comment)).ToListAsync(ct));
        });
        policy.MapPut("/", async Task<Results<Ok<PolicyDocument>, UnprocessableEntity<ValidationProblemDetails>>> (
            SavePolicyRequest body, IDbContextFactory<PortalDbContext> dbFactory, TimeProvider time, HttpContext http, CancellationToken ct) =>
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var (saved, errors) = await EnvironmentPolicies.SaveAsync(db, AuditActor.From(http), body.Yaml ?? "", body.Comment, time.GetUtcNow(), ct);
            return saved is null
                ? TypedResults.UnprocessableEntity(new ValidationProblemDetails(new Dictionary<string, string[]> { ["yaml"] = [.. errors] })
                    { Title = "The policy is not valid", Status = 422 })
                : TypedResults.Ok(new PolicyDocument(saved.Version, saved.Yaml, saved.CreatedAt, saved.CreatedBy, saved.Comment));
        }).RequireAuthorization(PortalPolicies.Admin);
    }

    /// <summary>Admins and approvers see every environment; others see their teams' and their own requests.</summary>
    public static IQueryable<PortalEnvironment> Visible(IQueryable<PortalEnvironment> query, AccessFacts who)
    {
        if (who.IsAdmin || who.IsApprover)
        {
            return query;
        }
        var teams = who.Teams.Select(t => t.ToLowerInvariant()).ToList();
        return query.Where(e => teams.Contains(e.OwnerTeam) || e.RequestedById == who.UserId);
    }

    public static async Task<EnvironmentDetail?> DetailAsync(PortalDbContext db, Guid id, CancellationToken cancellationToken)
    {
        var environment = await db.Environments.AsNoTracking().Include(e => e.Transitions).Include(e => e.Runs).AsSplitQuery()
            .FirstOrDefaultAsync(e => e.Id == id, cancellationToken);
        if (environment is null)
        {
            return null;
        }
        var runIds = environment.Runs.Select(r => r.Id).ToList();
        var lines = await db.EnvironmentLogLines.AsNoTracking().Where(l => runIds.Contains(l.RunId)).OrderBy(l => l.Id).Take(MaxLogLines * Math.Max(1, runIds.Count))
            .ToListAsync(cancellationToken);
        var runs = environment.Runs.OrderBy(r => r.QueuedAt).Select(r => new RunView(r.Id, r.Kind.ToString(), r.Status.ToString(), r.QueuedAt, r.StartedAt,
            r.FinishedAt, r.Error, lines.Where(l => l.RunId == r.Id).TakeLast(MaxLogLines).Select(l => new LogLineView(l.At, l.Step, l.Level, l.Message)).ToList())).ToList();
        return new EnvironmentDetail(EnvironmentSummary.From(environment), environment.ApprovalBy, environment.DecidedBy, environment.DecisionComment,
            environment.Cpu, environment.MemoryGi, environment.StorageGi, environment.Parameters,
            environment.Transitions.OrderBy(t => t.At).ThenBy(t => t.Id).Select(t => new TransitionView(t.From?.ToString(), t.To.ToString(), t.At, t.Actor, t.Comment)).ToList(),
            runs);
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
