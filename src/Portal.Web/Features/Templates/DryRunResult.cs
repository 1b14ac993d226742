using System.Text.Json.Nodes;

namespace Portal.Web.Features.Templates;

/// <summary>A file the dry run made; <see cref="Executable"/> when it keeps its skeleton file's executable bit.</summary>
public sealed record DryRunFile(string Path, string Base64Content, bool Executable = false);

public sealed record DryRunLogLine(string? StepId, string Level, string Message);

public sealed record DryRunResult(IReadOnlyList<DryRunFile> Files, IReadOnlyList<DryRunLogLine> Log, JsonObject? Output, IReadOnlyList<StepOutcome> Steps);

public sealed record StepOutcome(string Id, string Name, string Status);
