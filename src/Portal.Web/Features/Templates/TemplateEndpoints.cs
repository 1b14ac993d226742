using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Web.Data;
using Portal.Web.Features.Catalog;
using Portal.Web.Features.Identity;
using Portal.Web.Infrastructure.Web;

namespace Portal.Web.Features.Templates;

public static class TemplateEndpoints
{
    /// <summary>
    /// The route table. Two prefixes, as Backstage has them and clients call them: <c>/api/templates</c> for templates,
    /// <c>/api/scaffolder</c> for actions and tasks.
    /// </summary>
    public static void MapTemplatesApi(this WebApplication app)
    {
        var templates = app.MapGroup("/api/templates").WithTags("Templates").RequireAuthorization(PortalPolicies.CatalogRead);
        templates.MapGet("/", ListTemplatesAsync)
            .WithName("ListTemplates").WithSummary("List software templates").WithDescription("Every template in the catalog with its title, owner and tags.");
        templates.MapGet("/{ns}/{name}", GetTemplateAsync)
            .WithName("GetTemplate").WithSummary("Get a template").WithDescription("The template's parameters (JSON Schema pages) and steps.");
        templates.MapPost("/{ns}/{name}/dry-run", DryRunAsync)
            .WithName("DryRunTemplate").WithSummary("Try a template without publishing").WithDescription("Renders the files and runs the steps in a scratch folder; nothing is published.");

        var tasks = app.MapGroup("/api/scaffolder").WithTags("Templates").RequireAuthorization(PortalPolicies.CatalogRead);
        tasks.MapGet("/actions", ListActions)
            .WithName("ListScaffolderActions").WithSummary("List scaffolder actions").WithDescription("The actions template steps can use, with their inputs and outputs.");
        tasks.MapPost("/tasks", CreateTaskAsync).RequireAuthorization(PortalPolicies.CatalogWrite)
            .WithName("CreateScaffolderTask").WithSummary("Run a template")
            .WithDescription("Starts a task that runs the template with the given values (201 with its id); 404 names a template that is not in the catalog; "
                + "429 (with `Retry-After`) when the caller already has `Portal:Templates:MaxActiveTasksPerUser` tasks queued or running (default 5).")
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        tasks.MapGet("/tasks", ListTasksAsync)
            .WithName("ListScaffolderTasks").WithSummary("List scaffolder tasks").WithDescription("The most recent tasks (`limit`, default 100), or only the caller's with `mine=true`.");
        tasks.MapGet("/tasks/{id:guid}", GetTaskAsync)
            .WithName("GetScaffolderTask").WithSummary("Get a scaffolder task").WithDescription("The task's status, steps and log lines after `after` (a log position, for polling).");
        tasks.MapGet("/tasks/{id:guid}/repository", GetTaskRepositoryAsync)
            .WithName("GetScaffolderTaskRepository").WithSummary("List the repository a task created")
            .WithDescription("The branch, commit, clone URL and every file and folder (at most 5,000) of the repository the task's publish:git step created, or of the copy the portal kept of what its publish:github or publish:gitlab step pushed; 404 when it created none the portal holds.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        tasks.MapGet("/tasks/{id:guid}/repository/file", GetTaskRepositoryFileAsync)
            .WithName("GetScaffolderTaskRepositoryFile").WithSummary("Read a file of the repository a task created")
            .WithDescription("`path` is relative to the repository's root. Text files up to 512 KiB come with their content; binary and bigger files with their size only; a symbolic link with its target, not followed. 400 for a path with '..' or a folder; 404 for a path that is not in the repository.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        tasks.MapPost("/tasks/{id:guid}/cancel", CancelTaskAsync).RequireAuthorization(PortalPolicies.CatalogWrite)
            .WithName("CancelScaffolderTask").WithSummary("Cancel a task").WithDescription("Only the person who started the task, or an admin; 409 when it has already finished.")
            .ProducesProblem(StatusCodes.Status409Conflict);
        tasks.MapPost("/tasks/{id:guid}/retry", RetryTaskAsync).RequireAuthorization(PortalPolicies.CatalogWrite)
            .WithName("RetryScaffolderTask").WithSummary("Retry a failed or cancelled task")
            .WithDescription("Only the person who started the task, or an admin; 409 unless it failed or was cancelled; 429 (with `Retry-After`) when the person "
                + "who started it already has `Portal:Templates:MaxActiveTasksPerUser` tasks queued or running.")
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status429TooManyRequests);
    }

    private static async Task<Ok<IReadOnlyList<TemplateSummary>>> ListTemplatesAsync(ScaffolderService service, CancellationToken ct) =>
        TypedResults.Ok(await service.ListTemplatesAsync(ct));

    private static async Task<Results<Ok<TemplateDetail>, NotFound>> GetTemplateAsync(string ns, string name, PortalDbContext db, CancellationToken ct)
    {
        var key = new EntityRef("template", ns, name).ToString();
        var entity = await CatalogReads.DescriptorsWithSourceAsync(db, CatalogKinds.Template, key, includeOrphans: true, ct) is [var found, ..] ? found : null;
        if (entity is null)
        {
            return TypedResults.NotFound();
        }
        var document = TemplateDefinition.DocumentOf(entity);
        var template = TemplateDefinition.FromEntity(document, entity.Source);
        return TypedResults.Ok(new TemplateDetail(template.EntityRef, template.Title, template.Description, template.Tags, template.Owner, template.Type,
            document["spec"]?["parameters"]?.DeepClone(), template.Steps.Select(s => new TemplateStepView(s.Id, s.Name, s.Action)).ToList()));
    }

    private static async Task<Results<Ok<DryRunResult>, ValidationProblem, NotFound>> DryRunAsync(string ns, string name, DryRunRequest request,
        ScaffolderService service, HttpContext http, CancellationToken ct)
    {
        var outcome = await service.DryRunAsync(http.User, ns, name, request.Values, ct);
        if (outcome.TemplateMissing)
        {
            return TypedResults.NotFound();
        }
        return outcome.Result is null ? TypedResults.ValidationProblem(outcome.Errors) : TypedResults.Ok(outcome.Result);
    }

    private static Ok<List<ActionView>> ListActions(TemplateRunner runner) => TypedResults.Ok(runner.Actions.OrderBy(a => a.Id, StringComparer.Ordinal)
        .Select(a => new ActionView(a.Id, a.Description, a.Inputs, a.Outputs)).ToList());

    private static async Task<Results<Created<TaskCreatedResponse>, ValidationProblem, NotFound<string>, ProblemHttpResult>> CreateTaskAsync(CreateTaskRequest request,
        ScaffolderService service, HttpContext http, CancellationToken ct)
    {
        var created = await service.CreateTaskAsync(http.User, request.TemplateRef, request.Values, http.Connection.RemoteIpAddress?.ToString(), ct);
        if (created.TemplateMissing)
        {
            return TypedResults.NotFound($"There is no template {request.TemplateRef} in the catalog.");
        }
        if (created.OverLimit is { } refusal)
        {
            return TooManyActive(http, refusal);
        }
        return created.Id is { } id
            ? TypedResults.Created($"/api/scaffolder/tasks/{id}", new TaskCreatedResponse(id))
            : TypedResults.ValidationProblem(created.Errors);
    }

    private static async Task<Ok<IReadOnlyList<TaskView>>> ListTasksAsync(bool? mine, int? limit, ScaffolderService service, HttpContext http,
        CancellationToken ct) =>
        TypedResults.Ok(await service.ListTasksAsync(mine == true ? http.User.FindFirstValue(ClaimTypes.NameIdentifier) ?? "-" : null, limit ?? 100, ct));

    private static async Task<Results<Ok<TaskView>, NotFound>> GetTaskAsync(Guid id, long? after, ScaffolderService service, CancellationToken ct) =>
        await service.GetTaskAsync(id, after ?? 0, ct) is { } view ? TypedResults.Ok(view) : TypedResults.NotFound();

    private static async Task<Results<Ok<RepositoryView>, ProblemHttpResult>> GetTaskRepositoryAsync(Guid id, RepositoryBrowser browser, CancellationToken ct) =>
        Answer(await browser.TreeAsync(id, ct));

    private static async Task<Results<Ok<RepositoryFile>, ProblemHttpResult>> GetTaskRepositoryFileAsync(Guid id, string? path, RepositoryBrowser browser,
        CancellationToken ct) =>
        Answer(await browser.FileAsync(id, path, ct));

    private static Results<Ok<T>, ProblemHttpResult> Answer<T>(RepositoryBrowser.Outcome<T> outcome) where T : class =>
        outcome.Value is { } value
            ? TypedResults.Ok(value)
            : TypedResults.Problem(outcome.Problem, statusCode: outcome.Status, title: outcome.Status == 404 ? "Not found" : "The path is not allowed");

    private static Task<Results<Accepted, NotFound, ProblemHttpResult, ForbidHttpResult>> CancelTaskAsync(Guid id, ScaffolderService service,
        HttpContext http, CancellationToken ct) =>
        ChangeAsync(service, http, id, async (user, task, token) => (await service.CancelAsync(user, task, token), null), "The task has already finished.", ct);

    private static Task<Results<Accepted, NotFound, ProblemHttpResult, ForbidHttpResult>> RetryTaskAsync(Guid id, ScaffolderService service,
        HttpContext http, CancellationToken ct) =>
        ChangeAsync(service, http, id, service.RetryAsync, "Only a failed or cancelled task can be retried (and one whose secrets were cleared cannot).", ct);

    private static async Task<Results<Accepted, NotFound, ProblemHttpResult, ForbidHttpResult>> ChangeAsync(ScaffolderService service, HttpContext http,
        Guid id, Func<ClaimsPrincipal, Guid, CancellationToken, Task<(bool? Changed, ActiveTasksRefusal? OverLimit)>> change, string conflict, CancellationToken ct)
    {
        if (!await service.MayChangeAsync(http.User, id, ct))
        {
            return TypedResults.Forbid();
        }
        return await change(http.User, id, ct) switch
        {
            (_, { } refusal) => TooManyActive(http, refusal),
            (null, _) => TypedResults.NotFound(),
            (false, _) => TypedResults.Problem(conflict, statusCode: StatusCodes.Status409Conflict, title: "The task cannot change now"),
            (true, _) => TypedResults.Accepted($"/api/scaffolder/tasks/{id}"),
        };
    }

    /// <summary>429 with Retry-After: the problem names the limit, its setting and how many runs the person has unfinished.</summary>
    private static ProblemHttpResult TooManyActive(HttpContext http, ActiveTasksRefusal refusal) =>
        LimitReached.Problem(http, ActiveTaskLimit.RetryAfterSeconds, "Too many template runs at once", refusal.Message, ActiveTaskLimit.Setting,
            new Dictionary<string, object?> { ["limit"] = refusal.Max, ["active"] = refusal.Active });
}
