namespace Portal.Web.Features.Environments;

public sealed record RunView(Guid Id, string Kind, string Status, DateTimeOffset QueuedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt,
    string? Error, IReadOnlyList<LogLineView> Log);

public sealed record LogLineView(DateTimeOffset At, string Step, string Level, string Message);

public sealed record TransitionView(string? From, string To, DateTimeOffset At, string Actor, string? Comment);

public sealed record EnvironmentDetail(
    EnvironmentSummary Environment, string? ApprovalBy, string? DecidedBy, string? DecisionComment, decimal Cpu, decimal MemoryGi, decimal StorageGi,
    IReadOnlyDictionary<string, string> Parameters, IReadOnlyList<TransitionView> Transitions, IReadOnlyList<RunView> Runs);
