namespace Portal.Web.Features.Delivery;

/// <summary>A finished production deployment as the DORA figures see it.</summary>
public sealed record DoraDeployment(string Component, DateTimeOffset? StartedAt, DateTimeOffset FinishedAt, string Status, bool Rollback,
    IReadOnlyList<DeploymentCommit> Commits);

/// <summary>A finished build: when, and whether it succeeded.</summary>
public sealed record DoraBuild(DateTimeOffset FinishedAt, string Status);

/// <summary>
/// The four DORA figures and the guide's M2 and M3 over a period, with their bands. Times are medians except
/// <see cref="MeanTimeToDeployMinutes"/>; a figure without data is null.
/// </summary>
public sealed record DoraFigures(
    DateTimeOffset From,
    DateTimeOffset To,
    int Deployments,
    double DeploymentsPerDay,
    double? LeadTimeHours,
    int LeadTimeCommits,
    int Changes,
    int FailedChanges,
    double? ChangeFailureRate,
    double? TimeToRestoreHours,
    int Restores,
    int BuildsFinished,
    double? BuildSuccessRate,
    double? MeanTimeToDeployMinutes,
    DoraBandSet Bands);

public sealed record DoraBandSet(string? DeploymentFrequency, string? LeadTime, string? ChangeFailureRate, string? TimeToRestore);

/// <summary>
/// DORA's figures from deployment and build history (pure). Definitions, as docs/delivery.md states them:
/// <list type="bullet">
/// <item>deployment frequency: successful production deployments finished in the period, per day;</item>
/// <item>lead time: per commit, from its commit time to the end of the first successful production deployment that
/// brought it (rollbacks bring nothing new), median;</item>
/// <item>change failure rate: of the production changes (succeeded or failed deployments that are not rollbacks), the
/// share that failed or was rolled back by the component's next deployment within the rollback window;</item>
/// <item>time to restore: from a failed change's end to the end of the component's next successful production
/// deployment, median (incidents will replace this when they exist);</item>
/// <item>build success rate (M2): succeeded / (succeeded + failed) builds finished in the period;</item>
/// <item>mean time to deploy (M3): mean start-to-finish time of successful production deployments.</item>
/// </list>
/// Deployments after the period may be passed in: they only close failures (rollbacks, restores) that began in it.
/// </summary>
public static class DoraMath
{
    public static DoraFigures Compute(IReadOnlyList<DoraDeployment> deployments, IReadOnlyList<DoraBuild> builds, DateTimeOffset from,
        DateTimeOffset to, TimeSpan rollbackWindow)
    {
        bool InPeriod(DateTimeOffset t) => t >= from && t < to;
        var days = (to - from).TotalDays;
        var byComponent = deployments.GroupBy(d => d.Component)
            .ToDictionary(g => g.Key, g => g.OrderBy(d => d.FinishedAt).ThenBy(d => d.StartedAt ?? d.FinishedAt).ToList());

        var successful = deployments.Where(d => d.Status == DeliveryStatuses.Succeeded && InPeriod(d.FinishedAt)).ToList();

        var leadTimes = new List<double>();
        foreach (var list in byComponent.Values)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var d in list.Where(d => d.Status == DeliveryStatuses.Succeeded && !d.Rollback))
            {
                foreach (var commit in d.Commits)
                {
                    if (seen.Add(commit.Sha) && InPeriod(d.FinishedAt) && commit.CommittedAt is { } committed)
                    {
                        leadTimes.Add(Math.Max(0, (d.FinishedAt - committed).TotalHours));
                    }
                }
            }
        }

        var changes = 0;
        var restoreTimes = new List<double>();
        var failed = 0;
        foreach (var list in byComponent.Values)
        {
            for (var i = 0; i < list.Count; i++)
            {
                var d = list[i];
                if (d.Rollback || d.Status is not (DeliveryStatuses.Succeeded or DeliveryStatuses.Failed) || !InPeriod(d.FinishedAt))
                {
                    continue;
                }
                changes++;
                var next = i + 1 < list.Count ? list[i + 1] : null;
                var rolledBack = d.Status == DeliveryStatuses.Succeeded && next is { Rollback: true }
                    && (next.StartedAt ?? next.FinishedAt) - d.FinishedAt <= rollbackWindow;
                if (d.Status != DeliveryStatuses.Failed && !rolledBack)
                {
                    continue;
                }
                failed++;
                var restore = list.Skip(i + 1).FirstOrDefault(n => n.Status == DeliveryStatuses.Succeeded && n.FinishedAt > d.FinishedAt);
                if (restore is not null)
                {
                    restoreTimes.Add((restore.FinishedAt - d.FinishedAt).TotalHours);
                }
            }
        }

        var finishedBuilds = builds.Where(b => InPeriod(b.FinishedAt) && b.Status is DeliveryStatuses.Succeeded or DeliveryStatuses.Failed).ToList();
        var deployTimes = successful.Where(d => d.StartedAt is not null).Select(d => (d.FinishedAt - d.StartedAt!.Value).TotalMinutes).ToList();

        var perDay = days <= 0 ? 0 : successful.Count / days;
        var leadTime = Median(leadTimes);
        double? failureRate = changes == 0 ? null : (double)failed / changes;
        var restoreTime = Median(restoreTimes);
        return new DoraFigures(from, to, successful.Count, perDay, leadTime, leadTimes.Count, changes, failed, failureRate, restoreTime,
            restoreTimes.Count, finishedBuilds.Count,
            finishedBuilds.Count == 0 ? null : (double)finishedBuilds.Count(b => b.Status == DeliveryStatuses.Succeeded) / finishedBuilds.Count,
            deployTimes.Count == 0 ? null : deployTimes.Average(),
            new DoraBandSet(DoraBands.DeploymentFrequency(successful.Count == 0 ? null : perDay), DoraBands.LeadTime(leadTime),
                DoraBands.ChangeFailureRate(failureRate), DoraBands.TimeToRestore(restoreTime)));
    }

    public static double? Median(IReadOnlyCollection<double> values)
    {
        if (values.Count == 0)
        {
            return null;
        }
        var sorted = values.Order().ToArray();
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
