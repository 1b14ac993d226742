namespace Portal.Web.Features.Cost;

/// <summary>Something suspicious about a row that was imported anyway (its money is kept): a kind to count by, and what was seen.</summary>
public sealed record FocusRowWarning(string Kind, string Message);
