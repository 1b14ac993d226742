using System.Text.Json.Nodes;
using Portal.Web.Features.Catalog;
using Portal.Web.Features.Templates.Actions;

namespace Portal.Web.Features.Templates;

/// <summary>What the steps of one run share: the values, the user, each finished step's output and the workspace.</summary>
public sealed class RunState(JsonObject parameters, JsonObject user)
{
    public JsonObject Parameters { get; } = parameters;
    public JsonObject User { get; } = user;
    public Dictionary<string, JsonObject> StepOutputs { get; } = new(StringComparer.Ordinal);
    public Workspace Workspace { get; } = new();

    /// <summary>In a dry run: whom a registered location would act for (see <see cref="ActionContext.Registrant"/>).</summary>
    public LocationRegistrant? Registrant { get; init; }

    /// <summary>The data expressions see: <c>parameters</c>, <c>steps['id'].output</c> and <c>user</c>.</summary>
    public IReadOnlyDictionary<string, object?> Model => new Dictionary<string, object?>(StringComparer.Ordinal)
    {
        ["parameters"] = Parameters,
        ["user"] = User,
        ["steps"] = new JsonObject(StepOutputs.Select(s => KeyValuePair.Create<string, JsonNode?>(s.Key, new JsonObject { ["output"] = s.Value.DeepClone() }))),
    };
}
