using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Web.Data;
using Portal.Web.Features.Catalog;
using Portal.Web.Features.Catalog.Ingestion;

namespace Portal.Web.Features.Templates.Actions;

/// <summary>
/// <c>catalog:register</c>: registers the new repository's <c>catalog-info.yaml</c> as a git location, so the
/// component is in the catalog when the task ends and stays fresh with the usual refresh.
/// </summary>
public sealed class CatalogRegisterAction(IDbContextFactory<PortalDbContext> dbFactory, LocationReader reader, IOptions<CatalogOptions> catalogOptions,
    TimeProvider time) : IScaffolderAction
{
    public string Id => "catalog:register";
    public string Description => "Registers a repository's catalog-info.yaml in the catalog as a git location.";
    public bool HasSideEffects => true;
    public IReadOnlyList<ActionField> Inputs { get; } =
    [
        new("repoContentsUrl", "string", true, "The repository (a git URL), usually ${{ steps['publish'].output.repoContentsUrl }}."),
        new("catalogInfoPath", "string", false, "The descriptor's path in the repository (default /catalog-info.yaml)."),
        new("branch", "string", false, "The branch to read (default: the repository's default branch)."),
        new("optional", "boolean", false, "Do not fail when the descriptor cannot be registered."),
    ];
    public IReadOnlyList<ActionField> Outputs { get; } =
    [
        new("entityRef", "string", true, "The registered entity (the first Component, else the first entity)."),
        new("catalogInfoUrl", "string", true, "Where the descriptor was read from."),
    ];

    public async Task<JsonObject> RunAsync(ActionContext context, JsonObject input, CancellationToken cancellationToken)
    {
        var repo = ActionInput.Text(input, "repoContentsUrl")!;
        var path = "/" + Workspace.SafePath((ActionInput.Text(input, "catalogInfoPath") ?? "catalog-info.yaml").TrimStart('/'), "catalogInfoPath");
        var catalogInfoUrl = repo + "#" + path;
        if (context.DryRun)
        {
            return await DryRunAsync(context, input, repo, path, catalogInfoUrl, cancellationToken);
        }
        // Registering a location is an admin's act in the API; a template may only register what its own run published.
        if (!context.StepOutputs.Values.Any(o => o["repoContentsUrl"]?.ToString() == repo))
        {
            throw new TemplateSecurityException($"catalog:register registers only a repository this task published (a publish step's repoContentsUrl), not '{repo}'.");
        }
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        // The location acts for the task's requester: its entities may name only the teams they could act for when they
        // created the task, and it never brings people or teams (see EntityAuthority).
        var task = await db.ScaffolderTasks.AsNoTracking().FirstOrDefaultAsync(t => t.Id == context.TaskId, cancellationToken)
            ?? throw new TemplateRenderException($"catalog:register: task {context.TaskId} is not stored.");
        var registrant = new LocationRegistrant(context.Actor.Name, task.CreatedByUserId, task.CreatedByAdmin, task.CreatedByTeams, task.Id);
        var outcome = await CatalogLocations.RegisterAsync(db, reader, catalogOptions.Value, time, context.Actor, registrant,
            new RegisterLocationRequest("git", repo, ActionInput.Text(input, "branch"), path), dryRun: false, cancellationToken);
        if (outcome.Errors.Count > 0)
        {
            var message = "The catalog did not accept the descriptor: " + string.Join(" ", outcome.Errors.SelectMany(e => e.Value));
            if (ActionInput.Bool(input, "optional"))
            {
                context.Log(message + " (optional: carrying on)");
                return new JsonObject { ["entityRef"] = "", ["catalogInfoUrl"] = catalogInfoUrl };
            }
            throw new TemplateRenderException(message);
        }
        var location = outcome.Result!.Location!;
        // A resumed task finds the location it registered before; its entities are read from the database.
        var refs = await CatalogReads.RefsOfLocationAsync(db, location.Id, cancellationToken);
        foreach (var problem in outcome.Result.Problems)
        {
            context.Log($"Catalog: {(problem.EntityRef is null ? "" : problem.EntityRef + ": ")}{problem.Message}");
        }
        if (refs.Count == 0 && !ActionInput.Bool(input, "optional"))
        {
            throw new TemplateRenderException("The catalog registered no entity from " + path + ": "
                + string.Join(" ", outcome.Result.Problems.Select(p => p.Message).DefaultIfEmpty("the file holds none.")));
        }
        var registered = refs.Count > 0 ? refs[0] : "";
        context.Log(outcome.Conflict
            ? $"{repo} was already registered; it holds {refs.Count} entities."
            : $"Registered {path} of {repo}: {refs.Count} entities ({string.Join(", ", refs)}).");
        return new JsonObject { ["entityRef"] = registered, ["catalogInfoUrl"] = catalogInfoUrl };
    }

    /// <summary>
    /// Says what the real run would register, and refuses what it would refuse: the same validation and the same
    /// registrant checks (see <see cref="CatalogIngestion.PreviewTextAsync"/>), on the descriptor the dry run rendered.
    /// </summary>
    private async Task<JsonObject> DryRunAsync(ActionContext context, JsonObject input, string repo, string path, string catalogInfoUrl,
        CancellationToken cancellationToken)
    {
        if (!context.Workspace.Files.TryGetValue(path.TrimStart('/'), out var content))
        {
            context.Log($"Dry run: would register {path} of {repo} in the catalog.");
            return new JsonObject { ["entityRef"] = "", ["catalogInfoUrl"] = catalogInfoUrl };
        }
        var registrant = context.Registrant ?? new LocationRegistrant(context.Actor.Name, null, false, [], Guid.Empty);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var (accepted, problems) = await CatalogIngestion.PreviewTextAsync(db, registrant, path, Encoding.UTF8.GetString(content), cancellationToken);
        foreach (var problem in problems)
        {
            context.Log($"Dry run: the catalog would not accept {problem.EntityRef ?? path}: {problem.Message}");
        }
        if (accepted.Count == 0 && !ActionInput.Bool(input, "optional"))
        {
            throw new TemplateRenderException("The catalog would register no entity from " + path + ": "
                + string.Join(" ", problems.Select(p => p.Message).DefaultIfEmpty("the file holds none.")));
        }
        foreach (var entity in accepted)
        {
            // A name that is taken would make the real run push a repository and then fail here: refused now instead.
            var kind = entity.Entity["kind"]?.ToString() ?? "";
            if (await Catalog.CatalogReads.ExistsAsync(db, entity.EntityRef, kind, cancellationToken))
            {
                throw new TemplateRenderException($"{entity.EntityRef} is already in the catalog; choose another name.");
            }
        }
        var first = accepted.FirstOrDefault(e => e.EntityRef.StartsWith("component:", StringComparison.Ordinal)) ?? (accepted.Count > 0 ? accepted[0] : null);
        context.Log($"Dry run: would register {path} of {repo} in the catalog ({string.Join(", ", accepted.Select(e => e.EntityRef))}).");
        return new JsonObject { ["entityRef"] = first?.EntityRef ?? "", ["catalogInfoUrl"] = catalogInfoUrl };
    }
}
