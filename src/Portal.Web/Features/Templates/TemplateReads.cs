using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;
using Portal.Web.Features.Catalog;

namespace Portal.Web.Features.Templates;

/// <summary>
/// The templates' read surface for other features (scorecards): which catalog entities a scaffolder run made, from which
/// template, and whether that template has changed since. No other feature reads the scaffolder's tables.
/// </summary>
public static class TemplateReads
{
    /// <summary>
    /// Every entity a completed scaffolder task registered (its <c>catalog:register</c> step's <c>entityRef</c>), keyed by
    /// lower-case ref, with the newest such run. A template's version is its descriptor as the task used it (the task keeps a
    /// copy, <see cref="ScaffolderTask.TemplateDocument"/>): the run is current when the template in the catalog is still
    /// the same document, and otherwise the newer version dates from when the catalog stored the changed descriptor.
    /// Two queries (completed tasks, templates), whatever the number of entities.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, TemplateOrigin>> OriginsAsync(PortalDbContext db, CancellationToken cancellationToken)
    {
        var tasks = await db.ScaffolderTasks.AsNoTracking().Where(t => t.Status == ScaffolderTaskStatus.Completed).OrderBy(t => t.CreatedAt)
            .Select(t => new { t.TemplateRef, t.TemplateDocument, t.CreatedAt, t.Steps }).ToListAsync(cancellationToken);
        var templates = (await CatalogReads.DescriptorsWithSourceAsync(db, CatalogKinds.Template, null, includeOrphans: false, cancellationToken))
            .ToDictionary(t => t.Ref, t => (Document: TemplateDefinition.DocumentOf(t), t.UpdatedAt), StringComparer.Ordinal);
        var sameAsNow = new Dictionary<(string, string), bool>();
        var origins = new Dictionary<string, TemplateOrigin>(StringComparer.Ordinal);
        foreach (var task in tasks)
        {
            if (RegisteredEntity(task.Steps) is not { } entity)
            {
                continue;
            }
            if (!templates.TryGetValue(task.TemplateRef, out var current))
            {
                origins[entity] = new TemplateOrigin(task.TemplateRef, task.CreatedAt, TemplateExists: false, Current: false, null);
                continue;
            }
            // Many runs share a template version: compare each distinct copy once.
            var key = (task.TemplateRef, task.TemplateDocument);
            if (!sameAsNow.TryGetValue(key, out var same))
            {
                sameAsNow[key] = same = JsonNode.DeepEquals(JsonNode.Parse(task.TemplateDocument), current.Document);
            }
            origins[entity] = new TemplateOrigin(task.TemplateRef, task.CreatedAt, TemplateExists: true, same, same ? null : current.UpdatedAt);
        }
        return origins;
    }

    /// <summary>The entity a task's completed <c>catalog:register</c> step registered, lower-case; null when it registered none.</summary>
    public static string? RegisteredEntity(IEnumerable<TaskStepState> steps)
    {
        foreach (var step in steps.Where(s => s.Action == "catalog:register" && s.Status == StepStatus.Completed && s.Output is not null))
        {
            try
            {
                if (JsonNode.Parse(step.Output!)?["entityRef"] is JsonValue value && value.GetValueKind() == JsonValueKind.String
                    && value.GetValue<string>() is { Length: > 0 } entityRef)
                {
                    return entityRef.ToLowerInvariant();
                }
            }
            catch (JsonException)
            {
                // A step output that is not JSON names no entity.
            }
        }
        return null;
    }
}

/// <summary>
/// How an entity was made by the scaffolder: the template, when the run was created, whether the template is still in the
/// catalog and still the version the run used (<see cref="Current"/>), and otherwise since when the newer version exists.
/// </summary>
public sealed record TemplateOrigin(string TemplateRef, DateTimeOffset CreatedAt, bool TemplateExists, bool Current, DateTimeOffset? NewerSince);
