namespace Portal.Web.Infrastructure.Extensions;

/// <summary>
/// Time ranges a feature marks on charts about an entity (e.g. Incidents: maintenance windows), registered in its
/// <c>Add&lt;Feature&gt;</c> (<c>services.AddSingleton&lt;IEntityTimeBands, ...&gt;()</c>); a chart page (Slo's SLO charts) asks
/// every registered source for the bands of its entity and time range and shades them, so it never references the feature.
/// </summary>
public interface IEntityTimeBands
{
    /// <summary>The bands of <paramref name="entityRef"/> that overlap [<paramref name="from"/>, <paramref name="until"/>), oldest first.</summary>
    Task<IReadOnlyList<TimeBand>> BandsAsync(string entityRef, DateTimeOffset from, DateTimeOffset until, CancellationToken cancellationToken);
}

/// <summary>One shaded range: when, and what it was (shown on hover and in the chart's text).</summary>
public sealed record TimeBand(DateTimeOffset From, DateTimeOffset To, string Label);
