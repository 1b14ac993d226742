namespace Portal.Web.Features.Cost;

/// <summary>
/// What opening a file found: a reader for its FOCUS version, or why there is none (a provider's
/// native export, or the mandatory columns of the detected version that the header lacks).
/// </summary>
public sealed record FocusOpenResult(FocusCsvReader? Reader, string? Version, IReadOnlyList<string> Missing, NativeExport? Native);
