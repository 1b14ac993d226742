namespace Portal.Web.Features.Templates;

/// <summary>One step's progress, kept on the task (a resumed run reads which side effects already happened).</summary>
public sealed class TaskStepState
{
    public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    public string Action { get; set; } = "";
    public string Status { get; set; } = StepStatus.Pending;
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>The step's output as JSON text (null until it completed).</summary>
    public string? Output { get; set; }
}
