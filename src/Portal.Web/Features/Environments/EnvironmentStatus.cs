namespace Portal.Web.Features.Environments;

/// <summary>The life of an environment; <see cref="EnvironmentLifecycle"/> says which moves are allowed.</summary>
public enum EnvironmentStatus
{
    Requested,
    PendingApproval,
    Approved,
    Provisioning,
    Ready,
    Failed,
    Expiring,
    Deleting,
    Deleted,
    Rejected,
    Cancelled,
}
