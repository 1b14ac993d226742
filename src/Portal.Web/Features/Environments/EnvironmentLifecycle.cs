namespace Portal.Web.Features.Environments;

/// <summary>The allowed status changes; anything else is a bug or a stale click, and is refused.</summary>
public static class EnvironmentLifecycle
{
    private static readonly Dictionary<EnvironmentStatus, EnvironmentStatus[]> Allowed = new()
    {
        [EnvironmentStatus.Requested] = [EnvironmentStatus.PendingApproval, EnvironmentStatus.Approved, EnvironmentStatus.Cancelled],
        [EnvironmentStatus.PendingApproval] = [EnvironmentStatus.Approved, EnvironmentStatus.Rejected, EnvironmentStatus.Cancelled],
        [EnvironmentStatus.Approved] = [EnvironmentStatus.Provisioning, EnvironmentStatus.Cancelled],
        [EnvironmentStatus.Provisioning] = [EnvironmentStatus.Ready, EnvironmentStatus.Failed, EnvironmentStatus.Deleting],
        [EnvironmentStatus.Ready] = [EnvironmentStatus.Expiring, EnvironmentStatus.Deleting],
        [EnvironmentStatus.Expiring] = [EnvironmentStatus.Ready, EnvironmentStatus.Deleting],
        [EnvironmentStatus.Failed] = [EnvironmentStatus.Deleting],
        [EnvironmentStatus.Deleting] = [EnvironmentStatus.Deleted, EnvironmentStatus.Failed],
    };

    public static bool CanMove(EnvironmentStatus from, EnvironmentStatus to) =>
        Allowed.TryGetValue(from, out var targets) && targets.Contains(to);

    /// <summary>Moves <paramref name="environment"/> and records the transition; throws when the move is not allowed.</summary>
    public static void Move(PortalEnvironment environment, EnvironmentStatus to, string actor, DateTimeOffset at, string? comment = null)
    {
        if (!CanMove(environment.Status, to))
        {
            throw new InvalidOperationException($"An environment cannot go from {environment.Status} to {to}.");
        }
        environment.Transitions.Add(new EnvironmentTransition
        {
            EnvironmentId = environment.Id, From = environment.Status, To = to, At = at, Actor = actor, Comment = comment,
        });
        environment.Status = to;
        environment.UpdatedAt = at;
        if (to == EnvironmentStatus.Ready && environment.ReadyAt is null)
        {
            environment.ReadyAt = at;
        }
    }

    /// <summary>Statuses in which the owners may extend the life of the environment.</summary>
    public static bool CanExtend(EnvironmentStatus status) => status is EnvironmentStatus.Ready or EnvironmentStatus.Expiring;

    /// <summary>Statuses from which the owners may ask for a teardown.</summary>
    public static bool CanDelete(EnvironmentStatus status) =>
        status is EnvironmentStatus.Ready or EnvironmentStatus.Expiring or EnvironmentStatus.Failed;

    public static bool CanCancel(EnvironmentStatus status) =>
        status is EnvironmentStatus.Requested or EnvironmentStatus.PendingApproval or EnvironmentStatus.Approved or EnvironmentStatus.Provisioning;

    public static bool IsFinal(EnvironmentStatus status) =>
        status is EnvironmentStatus.Deleted or EnvironmentStatus.Rejected or EnvironmentStatus.Cancelled;
}
