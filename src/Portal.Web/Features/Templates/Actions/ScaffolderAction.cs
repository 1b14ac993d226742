using System.Text.Json;
using System.Text.Json.Nodes;
using Portal.Web.Features.Catalog;
using Portal.Web.Features.Identity;

namespace Portal.Web.Features.Templates.Actions;

/// <summary>One input or output of an action, as the actions page lists it.</summary>
public sealed record ActionField(string Name, string Type, bool Required, string Description);

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
}

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

    Task<JsonObject> RunAsync(ActionContext context, JsonObject input, CancellationToken cancellationToken);
}

/// <summary>The input checks every action shares, with messages that name the step's input.</summary>
public static class ActionInput
{
    public static void Check(IScaffolderAction action, JsonObject input)
    {
        foreach (var field in action.Inputs)
        {
            var value = input[field.Name];
            if (value is null || (value is JsonValue s && s.GetValueKind() == JsonValueKind.String && s.GetValue<string>().Length == 0))
            {
                if (field.Required)
                {
                    throw new TemplateRenderException($"{action.Id} needs the input '{field.Name}' ({field.Description}).");
                }
                continue;
            }
            var ok = field.Type switch
            {
                "string" => value is JsonValue v && v.GetValueKind() == JsonValueKind.String,
                "boolean" => value is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False,
                "object" => value is JsonObject,
                "string[]" => value is JsonArray a && a.All(i => i is JsonValue iv && iv.GetValueKind() == JsonValueKind.String),
                _ => true,
            };
            if (!ok)
            {
                throw new TemplateRenderException($"{action.Id}: the input '{field.Name}' must be {field.Type}.");
            }
        }
    }

    public static string? Text(JsonObject input, string name) =>
        input[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>() is { Length: > 0 } s ? s : null;

    public static bool Bool(JsonObject input, string name) =>
        input[name] is JsonValue v && v.GetValueKind() == JsonValueKind.True;

    public static IReadOnlyList<string> Strings(JsonObject input, string name) =>
        input[name] is JsonArray a ? a.Select(i => i?.ToString()).OfType<string>().ToList() : [];
}

/// <summary><c>debug:log</c>: writes a message (and optionally the workspace's file list) to the run's log.</summary>
public sealed class DebugLogAction : IScaffolderAction
{
    public string Id => "debug:log";
    public string Description => "Writes a message to the task's log, and optionally lists the workspace's files.";
    public bool HasSideEffects => false;
    public IReadOnlyList<ActionField> Inputs { get; } =
    [
        new("message", "string", false, "The message to log."),
        new("listWorkspace", "boolean", false, "Also log every file in the workspace."),
    ];
    public IReadOnlyList<ActionField> Outputs { get; } = [];

    public Task<JsonObject> RunAsync(ActionContext context, JsonObject input, CancellationToken cancellationToken)
    {
        if (ActionInput.Text(input, "message") is { } message)
        {
            context.Log(message);
        }
        if (ActionInput.Bool(input, "listWorkspace"))
        {
            foreach (var path in context.Workspace.Files.Keys)
            {
                context.Log("  " + path);
            }
        }
        return Task.FromResult(new JsonObject());
    }
}
