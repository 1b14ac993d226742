namespace Portal.Web.Features.Cost;

/// <summary>A row the reader refused, with its physical line number and why.</summary>
public sealed record FocusRowError(long Line, string Message);
