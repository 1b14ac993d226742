namespace Portal.Web.Features.Delivery;

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
/// DORA's figures from what <see cref="DoraQuery"/> aggregates (pure). Definitions, as docs/delivery.md states them:
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
/// </summary>
public static class DoraMath
{
    public static DoraFigures Figures(DoraTotals t, DateTimeOffset from, DateTimeOffset to)
    {
        var days = (to - from).TotalDays;
        var perDay = days <= 0 ? 0 : t.SuccessfulDeployments / days;
        double? failureRate = t.Changes == 0 ? null : (double)t.FailedChanges / t.Changes;
        return new DoraFigures(from, to, t.SuccessfulDeployments, perDay, t.MedianLeadTimeHours, t.LeadTimeCommits, t.Changes, t.FailedChanges,
            failureRate, t.MedianRestoreHours, t.Restores, t.BuildsFinished,
            t.BuildsFinished == 0 ? null : (double)t.BuildsSucceeded / t.BuildsFinished, t.MeanDeployMinutes,
            new DoraBandSet(DoraBands.DeploymentFrequency(t.SuccessfulDeployments == 0 ? null : perDay), DoraBands.LeadTime(t.MedianLeadTimeHours),
                DoraBands.ChangeFailureRate(failureRate), DoraBands.TimeToRestore(t.MedianRestoreHours)));
    }
}
