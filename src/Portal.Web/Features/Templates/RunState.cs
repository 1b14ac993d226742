using System.Text.Json.Nodes;
using Portal.Web.Features.Catalog;
using Portal.Web.Features.Templates.Actions;
using Portal.Web.Features.Templates.Language;

namespace Portal.Web.Features.Templates;

/// <summary>What the steps of one run share: the values, the user, each finished step's output and the workspace.</summary>
public sealed class RunState(JsonObject parameters, JsonObject user)
{
    public JsonObject Parameters { get; } = parameters;
    public JsonObject User { get; } = user;

    /// <summary>The portal itself: <c>portal.url</c>, its public address (<see cref="PortalAddress"/>).</summary>
    public JsonObject Portal { get; init; } = new();
    public Dictionary<string, JsonObject> StepOutputs { get; } = new(StringComparer.Ordinal);

    /// <summary>The size of each output in <see cref="StepOutputs"/>, measured once (outputs kept from an earlier attempt are measured when first needed).</summary>
    private readonly Dictionary<string, long> _outputBytes = new(StringComparer.Ordinal);

    /// <summary>The bytes of every output kept so far except <paramref name="stepId"/>'s (a step run again replaces its own).</summary>
    public long OutputBytesBesides(string stepId)
    {
        long total = 0;
        foreach (var (id, output) in StepOutputs)
        {
            if (id == stepId)
            {
                continue;
            }
            if (!_outputBytes.TryGetValue(id, out var size))
            {
                _outputBytes[id] = size = TemplateRunOutputBudget.SizeOf(output);
            }
            total += size;
        }
        return total;
    }

    /// <summary>Keeps a step's output, measured by the caller.</summary>
    public void KeepOutput(string stepId, JsonObject output, long bytes)
    {
        StepOutputs[stepId] = output;
        _outputBytes[stepId] = bytes;
    }

    /// <summary>Steps whose <c>if</c> was false: their output is empty, not an error.</summary>
    public HashSet<string> SkippedSteps { get; } = new(StringComparer.Ordinal);

    /// <summary>Every step id of the template, in order (set by the runner), so a wrong id can be told from a later one.</summary>
    public IReadOnlyList<string> TemplateStepIds { get; set; } = [];
    public Workspace Workspace { get; } = new();

    /// <summary>In a dry run: whom a registered location would act for (see <see cref="ActionContext.Registrant"/>).</summary>
    public LocationRegistrant? Registrant { get; init; }

    /// <summary>Who started the run, for actions that act as them (see <see cref="ActionContext.Requester"/>).</summary>
    public RunRequester? Requester { get; init; }

    /// <summary>
    /// The data expressions see: <c>parameters</c>, <c>steps['id'].output</c>, <c>user</c>, <c>portal</c> and <c>secrets</c>. A path into
    /// a step that does not exist or has not run yet is an error (a typo would otherwise render empty); a skipped step's
    /// output is empty. Portal hands templates no secrets: <c>secrets.X</c> renders empty, with a warning in the log.
    /// </summary>
    public IReadOnlyDictionary<string, object?> Model
    {
        get
        {
            var steps = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var id in SkippedSteps)
            {
                steps[id] = new Dictionary<string, object?>(StringComparer.Ordinal) { ["output"] = new Dictionary<string, object?>(StringComparer.Ordinal) };
            }
            foreach (var (id, output) in StepOutputs)
            {
                steps[id] = new Dictionary<string, object?>(StringComparer.Ordinal) { ["output"] = JsValues.FromJson(output) };
            }
            return new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["parameters"] = Parameters,
                ["user"] = User,
                ["portal"] = Portal,
                ["steps"] = new StrictObject(steps, MissingStep),
                ["secrets"] = new StrictObject(new Dictionary<string, object?>(), key =>
                {
                    TemplateText.Warn($"secrets.{key} is not set: Portal passes no secrets to templates, so it renders empty. Use a parameter with ui:widget: password.");
                    return "";
                }),
            };
        }
    }

    private object? MissingStep(string id)
    {
        var ran = StepOutputs.Keys.Concat(SkippedSteps).ToList();
        if (TemplateStepIds.Contains(id, StringComparer.Ordinal))
        {
            throw new TemplateRenderException($"the step '{id}' has not run yet; a step can only use the output of the steps before it");
        }
        var known = TemplateStepIds.Count > 0 ? TemplateStepIds : ran;
        throw new TemplateRenderException($"there is no step '{id}' (the steps are: {(known.Count == 0 ? "none" : string.Join(", ", known))})");
    }
}
