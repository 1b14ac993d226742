using System.Globalization;

namespace Portal.Web.Features.Delivery;

/// <summary>A gate answer: <see cref="Allowed"/>, and every reason that led to it, in words a deploy log can show.</summary>
public sealed record GateDecision(bool Allowed, string Decision, IReadOnlyList<GateReason> Reasons);

/// <summary>
/// One reason: <c>not-gated</c>, <c>within-budget</c>, <c>budget-exhausted</c>, <c>alert-firing</c> (these two block),
/// <c>fix-exception</c>, <c>override</c>.
/// </summary>
public sealed record GateReason(string Kind, string Message, string? Slo = null);

/// <summary>What the gate judges an SLO by: its budget left (null without data) and the severities of its alerts firing now.</summary>
public sealed record GateSlo(string Name, decimal? BudgetRemaining, IReadOnlyList<(string Rule, string Severity)> FiringAlerts);

/// <summary>The error-budget gate as a pure function of the policy, the component's SLOs, an active override and whether the change is a fix.</summary>
public static class GateRules
{
    public static GateDecision Decide(GatePolicy policy, string environment, IReadOnlyList<GateSlo> slos, GateOverride? activeOverride, bool isFix)
    {
        var env = environment.Trim().ToLowerInvariant();
        if (!policy.GatedEnvironments.Contains(env, StringComparer.OrdinalIgnoreCase))
        {
            return Allow([new GateReason("not-gated", $"Deployments to '{env}' are not gated (gated: {string.Join(", ", policy.GatedEnvironments)}).")]);
        }
        var counted = policy.Slos.Length == 0 ? slos : slos.Where(s => policy.Slos.Contains(s.Name, StringComparer.OrdinalIgnoreCase)).ToList();
        var blocking = new List<GateReason>();
        foreach (var slo in counted)
        {
            if (policy.DenyOnExhaustedBudget && slo.BudgetRemaining is { } left && left <= 0m)
            {
                blocking.Add(new GateReason("budget-exhausted",
                    $"SLO '{slo.Name}': the error budget is exhausted ({Percent(1m - left)} of it spent).", slo.Name));
            }
            foreach (var (rule, severity) in slo.FiringAlerts.Where(a => policy.DenyOnAlertSeverities.Contains(a.Severity, StringComparer.OrdinalIgnoreCase)))
            {
                blocking.Add(new GateReason("alert-firing", $"SLO '{slo.Name}': the {severity} burn-rate alert {rule} is firing.", slo.Name));
            }
        }
        if (blocking.Count == 0)
        {
            return Allow([new GateReason("within-budget", counted.Count == 0
                ? "The component has no SLOs the policy counts, so nothing holds the deployment back."
                : $"All {counted.Count} SLO(s) are within their error budget and no blocking alert fires.")]);
        }
        if (activeOverride is not null)
        {
            return Allow([new GateReason("override", $"Overridden by {activeOverride.CreatedBy} until " +
                $"{activeOverride.ExpiresAt.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)}: {activeOverride.Reason}"), .. blocking]);
        }
        if (isFix && policy.AllowFixes)
        {
            return Allow([new GateReason("fix-exception", "A fix may deploy during an error-budget freeze."), .. blocking]);
        }
        return new GateDecision(false, "deny", blocking);
    }

    private static GateDecision Allow(IReadOnlyList<GateReason> reasons) => new(true, "allow", reasons);

    private static string Percent(decimal share) => (share * 100m).ToString("0.#", CultureInfo.InvariantCulture) + " %";
}
