using System.Text.Json.Nodes;

namespace Portal.Web.Features.Templates.Actions;

/// <summary>A scaffolder action (<c>fetch:template</c>, <c>publish:git</c>, ...): a small registry keyed by id.</summary>
public interface IScaffolderAction
{
    string Id { get; }
    string Description { get; }
    IReadOnlyList<ActionField> Inputs { get; }
    IReadOnlyList<ActionField> Outputs { get; }

    /// <summary>
    /// True when the action changes the world outside the workspace (a repository, the catalog). A resumed run
    /// does not repeat such a step once it completed; steps that only fill the workspace run again.
    /// </summary>
    bool HasSideEffects { get; }

    /// <summary>
    /// Why the action cannot run on this portal (a publisher without its token), or null. A real run is refused with it
    /// before the task exists; a dry run says it in its log.
    /// </summary>
    string? NotConfigured => null;

    Task<JsonObject> RunAsync(ActionContext context, JsonObject input, CancellationToken cancellationToken);
}
