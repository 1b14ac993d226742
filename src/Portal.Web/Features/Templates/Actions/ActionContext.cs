using System.Text.Json.Nodes;
using Portal.Web.Features.Catalog;
using Portal.Web.Features.Identity;

namespace Portal.Web.Features.Templates.Actions;

/// <summary>What an action may use while it runs.</summary>
public sealed class ActionContext
{
    public required TemplateDefinition Template { get; init; }
    public required Workspace Workspace { get; init; }
    public required bool DryRun { get; init; }
    public required Guid TaskId { get; init; }
    public required AuditActor Actor { get; init; }
    public required Action<string> Log { get; init; }

    /// <summary>The outputs of the steps that ran before this one.</summary>
    public IReadOnlyDictionary<string, JsonObject> StepOutputs { get; init; } = new Dictionary<string, JsonObject>();

    /// <summary>
    /// In a dry run, whom a location the template registers would act for (the requester), so the preview refuses what
    /// the real run would; a real run reads it from its stored task.
    /// </summary>
    public LocationRegistrant? Registrant { get; init; }

    /// <summary>
    /// The person who started the run (null for the portal's own runs): actions that call the portal's API act as them,
    /// with their token's scopes when they used one, never more.
    /// </summary>
    public RunRequester? Requester { get; init; }
}
