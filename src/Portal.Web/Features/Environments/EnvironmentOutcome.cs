namespace Portal.Web.Features.Environments;

/// <summary>What happened to a command: done, refused by policy (with violations), not allowed, not found or not possible now.</summary>
public sealed record EnvironmentOutcome(PortalEnvironment? Environment, IReadOnlyList<PolicyViolation> Violations, string? Denied, bool NotFound, string? Conflict)
{
    public static EnvironmentOutcome Done(PortalEnvironment environment) => new(environment, [], null, false, null);
    public static EnvironmentOutcome Invalid(IReadOnlyList<PolicyViolation> violations) => new(null, violations, null, false, null);
    public static EnvironmentOutcome Forbidden(string message) => new(null, [], message, false, null);
    public static readonly EnvironmentOutcome Missing = new(null, [], null, true, null);
    public static EnvironmentOutcome NotNow(string message) => new(null, [], null, false, message);
}
