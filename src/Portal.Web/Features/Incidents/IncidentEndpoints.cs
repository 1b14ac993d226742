using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Web.Data;
using Portal.Web.Features.Catalog;
using Portal.Web.Features.Identity;
using Portal.Web.Infrastructure.Web;

namespace Portal.Web.Features.Incidents;

/// <summary>The incident API under <c>/api/incidents</c>: read with catalog read; act (acknowledge, mitigate, resolve) as the component's team or an admin.</summary>
public static class IncidentEndpoints
{
    public static void MapIncidentEndpoints(this WebApplication app)
    {
        var api = app.MapGroup("/api/incidents").WithTags("Incidents").RequireAuthorization(PortalPolicies.CatalogRead);
        api.MapGet("/", ListAsync)
            .WithName("ListIncidents").WithSummary("List incidents").WithDescription("Incidents, newest first, optionally of one `status` (triggered, acknowledged, mitigated, resolved).");
        api.MapGet("/{id:guid}", GetAsync)
            .WithName("GetIncident").WithSummary("Get an incident").WithDescription("The incident with its timeline, runbook and times to acknowledge and resolve.");
        api.MapPost("/{id:guid}/acknowledge", AcknowledgeAsync).RequireAuthorization(PortalPolicies.CatalogWrite)
            .WithName("AcknowledgeIncident").WithSummary("Acknowledge an incident").WithDescription("The component's team or an admin; records the time to acknowledge and notifies the receivers. 409 when the incident is past that.").ProducesProblem(StatusCodes.Status409Conflict);
        api.MapPost("/{id:guid}/mitigate", MitigateAsync).RequireAuthorization(PortalPolicies.CatalogWrite)
            .WithName("MitigateIncident").WithSummary("Mark an incident mitigated").WithDescription("The component's team or an admin. 409 when the incident is past that.").ProducesProblem(StatusCodes.Status409Conflict);
        api.MapPost("/{id:guid}/resolve", ResolveAsync).RequireAuthorization(PortalPolicies.CatalogWrite)
            .WithName("ResolveIncident").WithSummary("Resolve an incident").WithDescription("The component's team or an admin; records the time to resolve, drafts the postmortem with the timeline and notifies the receivers. 409 when it is resolved already.").ProducesProblem(StatusCodes.Status409Conflict);
        api.MapPost("/{id:guid}/checklist/{task}", CheckAsync).RequireAuthorization(PortalPolicies.CatalogWrite)
            .WithName("CheckIncidentTask").WithSummary("Tick or untick a checklist task")
            .WithDescription("The component's team or an admin. `task` is triage, notify, mitigate, communicate or postmortem; the body is `{\"done\": true}`.");
        api.MapGet("/{id:guid}/postmortem", GetPostmortemAsync)
            .WithName("GetIncidentPostmortem").WithSummary("Get an incident's postmortem")
            .WithDescription("The postmortem's Markdown: the saved one, or (before the incident resolves) a draft with the timeline and action items filled in.");
        api.MapPut("/{id:guid}/postmortem", PutPostmortemAsync).RequireAuthorization(PortalPolicies.CatalogWrite)
            .WithName("SaveIncidentPostmortem").WithSummary("Save an incident's postmortem")
            .WithDescription("The component's team or an admin; `{\"markdown\": \"...\"}`, at most 100,000 characters.");
        api.MapPost("/", DeclareAsync).RequireAuthorization(PortalPolicies.CatalogWrite)
            .WithName("DeclareIncident").WithSummary("Declare an incident on a component")
            .WithDescription("Anyone who may write to the catalog declares for any component (`{\"component\": \"component:default/x\", \"title\": \"...\", \"severity\": \"page\"|\"ticket\", \"summary\": \"Markdown\"}`; title at most 200 characters, summary 4,000); the owning team acts on it. It records the dependents, pages the on-call for page severity and is routed like an alert's. 404 when the component is not in the catalog; 429 (with `Retry-After`) when the caller already declared `Portal:Incidents:MaxDeclarationsPerHour` incidents in the last hour (default 10).")
            .Produces<IncidentView>(StatusCodes.Status201Created).ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        api.MapPost("/{id:guid}/comments", CommentAsync).RequireAuthorization(PortalPolicies.CatalogWrite)
            .WithName("CommentOnIncident").WithSummary("Comment on an incident")
            .WithDescription("The component's team or an admin; `{\"text\": \"Markdown\"}`, at most 4,000 characters. The comment joins the timeline under the caller's name.")
            .Produces<IncidentView>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPut("/{id:guid}/commander", AssignCommanderAsync).RequireAuthorization(PortalPolicies.CatalogWrite)
            .WithName("AssignIncidentCommander").WithSummary("Assign or clear an incident's commander")
            .WithDescription("The component's team or an admin; `{\"user\": \"ana.silva\"}` (a user name or `user:default/ana.silva`), or `{\"user\": null}` to clear. The commander is a member of the owning team in the catalog (409 otherwise). The change joins the timeline.")
            .Produces<IncidentView>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        api.MapGet("/metrics", MetricsAsync)
            .WithName("IncidentMetrics").WithSummary("Incident metrics")
            .WithDescription("MTTA and MTTR (seconds) overall, per team and per service, incidents per ISO week and the postmortem completion rate, over the incidents opened in the last `days` (1-365, default 30).");
    }

    private static async Task<Results<Created<IncidentView>, ProblemHttpResult, ValidationProblem>> DeclareAsync(DeclareRequest? request,
        PortalDbContext db, IncidentNotifier notifier, IOptions<IncidentsOptions> options, TimeProvider time, HttpContext http, CancellationToken ct)
    {
        var problems = IncidentInput.DeclareProblems(request?.Component, request?.Title, request?.Severity, request?.Summary);
        if (problems.Count > 0)
        {
            return TypedResults.ValidationProblem(problems);
        }
        var (outcome, incident, refusal) = await IncidentCommands.DeclareAsync(db, http.User, AuditActor.From(http), notifier, time.GetUtcNow(),
            options.Value.MaxDeclarationsPerHour, request!.Component!, request.Title!, request.Severity!, request.Summary, ct);
        if (outcome == IncidentOutcome.NotFound)
        {
            return TypedResults.Problem($"There is no component '{request.Component}' in the catalog.", statusCode: StatusCodes.Status404NotFound, title: "No such component.");
        }
        if (refusal is not null)
        {
            return LimitReached.Problem(http, refusal.RetryAfterSeconds, "Too many incidents declared", refusal.Message, DeclarationRate.Setting,
                new Dictionary<string, object?> { ["limit"] = refusal.Max, ["declared"] = refusal.Declared });
        }
        return TypedResults.Created($"/api/incidents/{incident!.Id}", (await IncidentQueries.GetAsync(db, incident.Id, ct))!);
    }

    private static async Task<Results<Ok<IncidentView>, NotFound, ForbidHttpResult, ValidationProblem>> CommentAsync(Guid id, CommentRequest? request,
        PortalDbContext db, TimeProvider time, HttpContext http, CancellationToken ct)
    {
        if (IncidentInput.CommentProblem(request?.Text) is { } problem)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["text"] = [problem] });
        }
        return await IncidentCommands.CommentAsync(db, http.User, AuditActor.From(http), time.GetUtcNow(), id, request!.Text!, ct) switch
        {
            IncidentOutcome.NotFound => TypedResults.NotFound(),
            IncidentOutcome.Forbidden => TypedResults.Forbid(),
            _ => TypedResults.Ok((await IncidentQueries.GetAsync(db, id, ct))!),
        };
    }

    private static async Task<Results<Ok<IncidentView>, NotFound, ForbidHttpResult, ValidationProblem, ProblemHttpResult>> AssignCommanderAsync(Guid id,
        CommanderRequest? request, PortalDbContext db, TimeProvider time, HttpContext http, CancellationToken ct)
    {
        if (request is null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["user"] = ["The body is {\"user\": \"ana.silva\"} or {\"user\": null}."] });
        }
        var userName = IncidentInput.UserName(request.User);
        if (!string.IsNullOrWhiteSpace(request.User) && userName is null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["user"] = ["user is a user name (ana.silva) or a user ref (user:default/ana.silva)."] });
        }
        var (outcome, problem) = await IncidentCommands.AssignCommanderAsync(db, http.User, AuditActor.From(http), time.GetUtcNow(), id, userName, ct);
        return outcome switch
        {
            IncidentOutcome.NotFound => TypedResults.NotFound(),
            IncidentOutcome.Forbidden => TypedResults.Forbid(),
            IncidentOutcome.Conflict => TypedResults.Problem(problem, statusCode: StatusCodes.Status409Conflict, title: "Not a member of the owning team."),
            _ => TypedResults.Ok((await IncidentQueries.GetAsync(db, id, ct))!),
        };
    }

    private static async Task<Results<Ok<IncidentMetricsView>, ValidationProblem>> MetricsAsync(int? days, PortalDbContext db, TimeProvider time, CancellationToken ct)
    {
        if (days is < 1 or > 365)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["days"] = ["days is 1-365."] });
        }
        var now = time.GetUtcNow();
        return TypedResults.Ok(await IncidentQueries.MetricsAsync(db, now.AddDays(-(days ?? 30)), now.AddTicks(1), ct));
    }

    private static async Task<Results<Ok<IncidentView>, NotFound, ForbidHttpResult, ValidationProblem>> CheckAsync(Guid id, string task, CheckRequest? request,
        PortalDbContext db, TimeProvider time, HttpContext http, CancellationToken ct)
    {
        if (!IncidentChecklist.IsTask(task) || request?.Done is null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                [IncidentChecklist.IsTask(task) ? "done" : "task"] = IncidentChecklist.IsTask(task)
                    ? ["The body is {\"done\": true} or {\"done\": false}."]
                    : [$"task is one of {string.Join(", ", IncidentChecklist.Tasks.Select(t => t.Key))}."],
            });
        }
        return await IncidentCommands.CheckAsync(db, http.User, AuditActor.From(http), time.GetUtcNow(), id, task, request.Done.Value, ct) switch
        {
            IncidentOutcome.NotFound => TypedResults.NotFound(),
            IncidentOutcome.Forbidden => TypedResults.Forbid(),
            _ => TypedResults.Ok((await IncidentQueries.GetAsync(db, id, ct))!),
        };
    }

    private static async Task<Results<Ok<PostmortemView>, NotFound>> GetPostmortemAsync(Guid id, PortalDbContext db, CancellationToken ct)
    {
        var markdown = await db.Set<Incident>().AsNoTracking().Where(i => i.Id == id).Select(i => new { i.Postmortem }).FirstOrDefaultAsync(ct);
        if (markdown is null || await IncidentQueries.GetAsync(db, id, ct) is not { } view)
        {
            return TypedResults.NotFound();
        }
        return TypedResults.Ok(new PostmortemView(id, markdown.Postmortem ?? IncidentPostmortem.Draft(view), markdown.Postmortem is null));
    }

    private static async Task<Results<Ok<PostmortemView>, NotFound, ForbidHttpResult, ValidationProblem>> PutPostmortemAsync(Guid id, PostmortemRequest? request,
        PortalDbContext db, HttpContext http, CancellationToken ct)
    {
        if (request?.Markdown is not { Length: > 0 and <= IncidentPostmortem.MaxLength } markdown)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["markdown"] = ["markdown is 1-100,000 characters."] });
        }
        return await IncidentCommands.SavePostmortemAsync(db, http.User, AuditActor.From(http), id, markdown, ct) switch
        {
            IncidentOutcome.NotFound => TypedResults.NotFound(),
            IncidentOutcome.Forbidden => TypedResults.Forbid(),
            _ => TypedResults.Ok(new PostmortemView(id, markdown, false)),
        };
    }

    private static async Task<Results<Ok<List<IncidentView>>, ValidationProblem>> ListAsync(string? status, PortalDbContext db, CancellationToken ct)
    {
        if (status is not null && !IncidentLifecycle.Order.Contains(status))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["status"] = [$"status is one of {string.Join(", ", IncidentLifecycle.Order)}."] });
        }
        return TypedResults.Ok(await IncidentQueries.ListAsync(db, status, ct));
    }

    private static async Task<Results<Ok<IncidentView>, NotFound>> GetAsync(Guid id, PortalDbContext db, CancellationToken ct) =>
        await IncidentQueries.GetAsync(db, id, ct) is { } view ? TypedResults.Ok(view) : TypedResults.NotFound();

    private static Task<Results<Ok<IncidentView>, NotFound, ForbidHttpResult, ProblemHttpResult>> AcknowledgeAsync(Guid id, PortalDbContext db,
        IncidentNotifier notifier, TimeProvider time, HttpContext http, CancellationToken ct) =>
        MoveAsync(id, IncidentLifecycle.Acknowledged, db, notifier, time, http, ct);

    private static Task<Results<Ok<IncidentView>, NotFound, ForbidHttpResult, ProblemHttpResult>> MitigateAsync(Guid id, PortalDbContext db,
        IncidentNotifier notifier, TimeProvider time, HttpContext http, CancellationToken ct) =>
        MoveAsync(id, IncidentLifecycle.Mitigated, db, notifier, time, http, ct);

    private static Task<Results<Ok<IncidentView>, NotFound, ForbidHttpResult, ProblemHttpResult>> ResolveAsync(Guid id, PortalDbContext db,
        IncidentNotifier notifier, TimeProvider time, HttpContext http, CancellationToken ct) =>
        MoveAsync(id, IncidentLifecycle.Resolved, db, notifier, time, http, ct);

    /// <summary>One status change: the team's or an admin's, forward only, audited, and sent to the receivers (PagerDuty's acknowledge/resolve).</summary>
    private static async Task<Results<Ok<IncidentView>, NotFound, ForbidHttpResult, ProblemHttpResult>> MoveAsync(Guid id, string to,
        PortalDbContext db, IncidentNotifier notifier, TimeProvider time, HttpContext http, CancellationToken ct)
    {
        var (outcome, problem) = await IncidentCommands.MoveAsync(db, http.User, AuditActor.From(http), notifier, time.GetUtcNow(), id, to, ct);
        return outcome switch
        {
            IncidentOutcome.NotFound => TypedResults.NotFound(),
            IncidentOutcome.Forbidden => TypedResults.Forbid(),
            IncidentOutcome.Conflict => TypedResults.Problem(problem, statusCode: StatusCodes.Status409Conflict, title: "The incident cannot move there."),
            _ => TypedResults.Ok((await IncidentQueries.GetAsync(db, id, ct))!),
        };
    }
}

/// <summary>A checklist tick: <c>{"done": true}</c>.</summary>
public sealed record CheckRequest(bool? Done);

/// <summary>A comment: <c>{"text": "Markdown"}</c>.</summary>
public sealed record CommentRequest(string? Text);

/// <summary>The commander: <c>{"user": "ana.silva"}</c>, or null to clear.</summary>
public sealed record CommanderRequest(string? User);

/// <summary>A declared incident: the component's ref, a title, <c>page</c> or <c>ticket</c>, and an optional Markdown summary.</summary>
public sealed record DeclareRequest(string? Component, string? Title, string? Severity, string? Summary);

/// <summary>A postmortem as saved: <c>{"markdown": "..."}</c>.</summary>
public sealed record PostmortemRequest(string? Markdown);

/// <summary>An incident's postmortem; <c>Draft</c> when it is the generated template, not yet saved.</summary>
public sealed record PostmortemView(Guid IncidentId, string Markdown, bool Draft);
