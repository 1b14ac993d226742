using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Portal.Web.Features.Catalog;
using Portal.Web.Features.Identity;
using Portal.Web.Features.Templates.Actions;

namespace Portal.Web.Features.Templates;

/// <summary>Runs a template's steps with the registered actions: the same code for a dry-run and a real task.</summary>
public sealed class TemplateRunner(IEnumerable<IScaffolderAction> actions, IOptions<TemplatesOptions>? options = null, PortalAddress? address = null)
{
    private readonly Dictionary<string, IScaffolderAction> _actions = actions.ToDictionary(a => a.Id, StringComparer.Ordinal);

    /// <summary>The bounds of every rendering a step or the output does (Portal:Templates:MaxRender*).</summary>
    public TemplateRenderLimits Limits { get; } = options?.Value.RenderLimits() ?? TemplateRenderLimits.Default;

    /// <summary>The most bytes the step outputs of one run may take in all (Portal:Templates:MaxRunOutputBytes).</summary>
    public long MaxRunOutputBytes { get; } = options?.Value.MaxRunOutputBytes ?? TemplateRunOutputBudget.DefaultMaxBytes;

    /// <summary>The most notification:send steps a template may have (Portal:Templates:MaxNotificationsPerRun).</summary>
    public int MaxNotificationsPerRun { get; } = options?.Value.MaxNotificationsPerRun ?? new TemplatesOptions().MaxNotificationsPerRun;

    public IReadOnlyCollection<IScaffolderAction> Actions => _actions.Values;

    public IScaffolderAction? Find(string id) => _actions.GetValueOrDefault(id);

    /// <summary>What expressions see as <c>portal</c> (its <c>url</c>), in dry runs and tasks alike.</summary>
    public JsonObject PortalModel() => address?.Model() ?? new JsonObject { ["url"] = "http://localhost" };

    /// <summary>Problems with the template itself (unknown actions, duplicate step ids): reported before anything runs.</summary>
    public IReadOnlyList<string> Check(TemplateDefinition template)
    {
        var problems = new List<string>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var step in template.Steps)
        {
            if (!ids.Add(step.Id))
            {
                problems.Add($"Two steps have the id '{step.Id}'.");
            }
            if (!_actions.ContainsKey(step.Action))
            {
                problems.Add(UnsupportedActions.Message(step.Id, step.Action, _actions.Keys));
            }
        }
        if (template.Steps.Count == 0)
        {
            problems.Add("The template has no steps.");
        }
        // Registration refuses these; a template stored before the limits existed is refused here.
        if (template.Steps.Count > TemplateEntityLimits.MaxSteps)
        {
            problems.Add(TemplateEntityLimits.TooManySteps(template.Steps.Count) + ".");
        }
        // Steps have no loops, so this is the most notifications one run can send (each a message to each person it reaches).
        var notifications = template.Steps.Count(s => s.Action == NotificationSendAction.ActionId);
        if (notifications > MaxNotificationsPerRun)
        {
            problems.Add($"The template has {notifications} notification:send steps; one run may send at most {MaxNotificationsPerRun} notifications "
                + "(Portal:Templates:MaxNotificationsPerRun).");
        }
        return problems;
    }

    /// <summary>
    /// Runs one step: its <c>if</c>, its input rendered against the run so far, the action. Returns null when the
    /// step's condition is false (skipped).
    /// </summary>
    public async Task<JsonObject?> RunStepAsync(TemplateDefinition template, TemplateStep step, RunState state, bool dryRun, Guid taskId, AuditActor actor,
        Action<string> log, CancellationToken cancellationToken)
    {
        var action = Find(step.Action) ?? throw new TemplateRenderException(UnsupportedActions.Message(step.Id, step.Action, _actions.Keys));
        using var limits = TemplateRenderLimits.Use(Limits);
        state.TemplateStepIds = template.Steps.Select(s => s.Id).ToList();
        var warnings = new List<string>();
        using var collect = TemplateText.CollectWarnings(warnings);
        try
        {
            return await RunStepCoreAsync(template, step, action, state, dryRun, taskId, actor, log, MaxRunOutputBytes, cancellationToken);
        }
        finally
        {
            foreach (var warning in warnings.Distinct(StringComparer.Ordinal))
            {
                log($"Warning: {warning}");
            }
        }
    }

    private static async Task<JsonObject?> RunStepCoreAsync(TemplateDefinition template, TemplateStep step, IScaffolderAction action, RunState state, bool dryRun,
        Guid taskId, AuditActor actor, Action<string> log, long maxRunOutputBytes, CancellationToken cancellationToken)
    {
        var model = state.Model;
        if (step.If is not null)
        {
            var condition = step.If is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.String
                ? TemplateText.Evaluate(v.GetValue<string>(), model, $"step '{step.Id}' if")
                : step.If;
            if (!TemplateText.IsTruthy(condition))
            {
                log($"Skipped: the condition is false.");
                state.SkippedSteps.Add(step.Id);
                return null;
            }
        }
        var input = TemplateText.EvaluateTree(step.Input, model, $"step '{step.Id}' input") as JsonObject ?? [];
        ActionInput.Check(action, input);
        var context = new ActionContext
        {
            Template = template, Workspace = state.Workspace, DryRun = dryRun, TaskId = taskId, Actor = actor, Log = log, StepOutputs = state.StepOutputs,
            Registrant = state.Registrant, Requester = state.Requester,
        };
        var output = await action.RunAsync(context, input, cancellationToken);
        var bytes = TemplateRunOutputBudget.SizeOf(output);
        if (TemplateRunOutputBudget.Exceeded(state.OutputBytesBesides(step.Id), bytes, maxRunOutputBytes) is { } exceeded)
        {
            // Refused like a render limit: the dry run answers 400, the task fails with this message and keeps nothing of the output.
            throw new TemplateRenderException(exceeded) { LimitExceeded = true };
        }
        state.KeepOutput(step.Id, output, bytes);
        return output;
    }

    /// <summary>The template's <c>spec.output</c> (links, text) rendered against the finished run.</summary>
    public JsonObject? RenderOutput(TemplateDefinition template, RunState state)
    {
        using var limits = TemplateRenderLimits.Use(Limits);
        state.TemplateStepIds = template.Steps.Select(s => s.Id).ToList();
        return template.Output is null ? null : TemplateText.EvaluateTree(template.Output, state.Model, "output") as JsonObject;
    }

    /// <summary>
    /// A preview: every step runs against an in-memory workspace; publishers and the catalog only say what they
    /// would do. Nothing is written anywhere.
    /// </summary>
    public async Task<DryRunResult> DryRunAsync(TemplateDefinition template, JsonObject values, JsonObject user, AuditActor actor,
        IReadOnlySet<string> secrets, CancellationToken cancellationToken, LocationRegistrant? registrant = null, RunRequester? requester = null)
    {
        var state = new RunState(values, user) { Registrant = registrant, Portal = PortalModel(), Requester = requester };
        var log = new List<DryRunLogLine>();
        var steps = new List<StepOutcome>();
        var masker = new SecretMasker(values, secrets);
        foreach (var problem in Check(template))
        {
            log.Add(new DryRunLogLine(null, "error", problem));
        }
        if (log.Count > 0)
        {
            return new DryRunResult([], log, null, []);
        }
        foreach (var step in template.Steps)
        {
            try
            {
                var output = await RunStepAsync(template, step, state, dryRun: true, Guid.Empty, actor,
                    m => log.Add(new DryRunLogLine(step.Id, "info", masker.Mask(m))), cancellationToken);
                steps.Add(new StepOutcome(step.Id, step.Name, output is null ? StepStatus.Skipped : StepStatus.Completed));
            }
            catch (TemplateRenderException ex) when (ex.LimitExceeded)
            {
                // A template past a render limit is refused outright, as the request's error (not a preview with a failed step).
                var message = masker.Mask(ex.Message);
                throw new TemplateRenderException(message.StartsWith($"step '{step.Id}'", StringComparison.Ordinal) ? message : $"Step '{step.Id}': {message}")
                {
                    LimitExceeded = true,
                };
            }
            catch (Exception ex) when (ex is TemplateRenderException or TemplateSecurityException)
            {
                log.Add(new DryRunLogLine(step.Id, "error", masker.Mask(ex.Message)));
                steps.Add(new StepOutcome(step.Id, step.Name, StepStatus.Failed));
                return new DryRunResult(Files(state), log, null, steps);
            }
        }
        JsonObject? rendered = null;
        try
        {
            rendered = masker.MaskTree(RenderOutput(template, state)) as JsonObject;
        }
        catch (TemplateRenderException ex) when (!ex.LimitExceeded)
        {
            log.Add(new DryRunLogLine(null, "error", masker.Mask(ex.Message)));
        }
        return new DryRunResult(Files(state), log, rendered, steps);
    }

    private static List<DryRunFile> Files(RunState state) =>
        state.Workspace.Files.Select(f => new DryRunFile(f.Key, Convert.ToBase64String(f.Value), state.Workspace.IsExecutable(f.Key))).ToList();
}
