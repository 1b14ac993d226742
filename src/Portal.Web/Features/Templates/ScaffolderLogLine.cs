namespace Portal.Web.Features.Templates;

/// <summary>One line of a task's log.</summary>
public sealed class ScaffolderLogLine
{
    public long Id { get; set; }
    public Guid TaskId { get; set; }
    public DateTimeOffset At { get; set; }
    public string? StepId { get; set; }

    /// <summary>"info" or "error".</summary>
    public required string Level { get; set; }
    public required string Message { get; set; }
}
