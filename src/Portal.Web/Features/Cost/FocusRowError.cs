namespace Portal.Web.Features.Cost;

/// <summary>
/// A row the reader refused, with its physical line number and why. <see cref="BilledCost"/> and
/// <see cref="EffectiveCost"/> are the row's cost when it could still be read, so an import can say how much it rejected.
/// </summary>
public sealed record FocusRowError(long Line, string Message, decimal? BilledCost = null, decimal? EffectiveCost = null);
