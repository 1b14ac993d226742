using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;
using Portal.Web.Features.Identity;
using Portal.Web.Features.Slo;

namespace Portal.Web.Features.Delivery;

/// <summary>The error-budget gate's I/O: the policy, the component's SLO budgets (through <see cref="SloReads"/>) and its overrides, judged by <see cref="GateRules"/>.</summary>
public static class DeliveryGate
{
    public static async Task<GatePolicy> PolicyAsync(PortalDbContext db, CancellationToken ct) =>
        await db.GatePolicies.AsNoTracking().FirstOrDefaultAsync(p => p.Id == GatePolicy.SingletonId, ct) ?? GatePolicy.Default();

    /// <summary>Decides; a deployment let through by an override or the fix exception is recorded in the audit log, so every use can be traced.</summary>
    public static async Task<GateAnswer> DecideAsync(PortalDbContext db, string componentRef, string environment, bool isFix, AuditActor actor,
        DateTimeOffset now, CancellationToken ct)
    {
        var (answer, activeOverride) = await EvaluateAsync(db, componentRef, environment, isFix, now, ct);
        if (answer.Allowed && answer.Reasons[0].Kind is "override" or "fix-exception")
        {
            AuditLog.Record(db, actor, $"delivery.gate.{answer.Reasons[0].Kind}", $"{componentRef}@{answer.Environment}",
                after: new { reasons = answer.Reasons.Select(r => r.Message), overrideId = activeOverride?.Id });
            await db.SaveChangesAsync(ct);
        }
        return answer;
    }

    /// <summary>What the gate would answer now, without recording anything (the component page shows it).</summary>
    public static async Task<(GateAnswer Answer, GateOverride? ActiveOverride)> EvaluateAsync(PortalDbContext db, string componentRef, string environment,
        bool isFix, DateTimeOffset now, CancellationToken ct)
    {
        var env = environment.Trim().ToLowerInvariant();
        var policy = await PolicyAsync(db, ct);
        var states = await SloReads.BudgetStatesAsync(db, [componentRef], now, ct);
        var slos = states.Select(s => new GateSlo(s.Name, s.TotalEvents == 0 ? null : s.BudgetRemaining,
            s.FiringAlerts.Select(a => (a.Rule, a.Severity)).ToList())).ToList();
        var active = await db.GateOverrides.AsNoTracking()
            .Where(o => o.ComponentRef == componentRef && o.Environment == env && o.RevokedAt == null && o.ExpiresAt > now)
            .OrderByDescending(o => o.CreatedAt).FirstOrDefaultAsync(ct);
        var decision = GateRules.Decide(policy, env, slos, active, isFix);
        return (new GateAnswer(componentRef, env, now, decision.Allowed, decision.Decision, decision.Reasons,
            states.Select(s => new GateSloView(s.Name, s.Status, s.BudgetRemaining, s.FiringAlerts.Select(a => a.Rule).ToList())).ToList()), active);
    }
}
