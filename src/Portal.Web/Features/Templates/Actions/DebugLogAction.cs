using System.Text.Json.Nodes;

namespace Portal.Web.Features.Templates.Actions;

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
