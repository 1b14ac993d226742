using System.Text.Json.Nodes;

namespace Portal.Web.Features.Templates;

public sealed record TaskLogView(long Id, DateTimeOffset At, string? StepId, string Level, string Message);

public sealed record TaskView(Guid Id, string TemplateRef, string TemplateTitle, string Status, string CreatedBy, DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, int Attempts, JsonObject Values, IReadOnlyList<TaskStepState> Steps, JsonObject? Output,
    string? Error, IReadOnlyList<TaskLogView> Log);
