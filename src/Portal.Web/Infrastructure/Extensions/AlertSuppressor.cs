namespace Portal.Web.Infrastructure.Extensions;

/// <summary>
/// Says which components' alerts are not to be routed now (maintenance windows, kept by the Incidents feature), so the
/// feature that evaluates alerts (Slo) records them but sends nothing, without reading the other feature's tables.
/// </summary>
public interface IAlertSuppressor
{
    /// <summary>Of <paramref name="componentRefs"/>, those whose alerts are suppressed at <paramref name="at"/>.</summary>
    Task<IReadOnlySet<string>> SuppressedAsync(IReadOnlyCollection<string> componentRefs, DateTimeOffset at, CancellationToken cancellationToken);
}
