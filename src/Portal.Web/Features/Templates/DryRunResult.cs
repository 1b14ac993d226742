using System.Text.Json.Nodes;

namespace Portal.Web.Features.Templates;

public sealed record DryRunFile(string Path, string Base64Content);

public sealed record DryRunLogLine(string? StepId, string Level, string Message);

public sealed record DryRunResult(IReadOnlyList<DryRunFile> Files, IReadOnlyList<DryRunLogLine> Log, JsonObject? Output, IReadOnlyList<StepOutcome> Steps);

public sealed record StepOutcome(string Id, string Name, string Status);
