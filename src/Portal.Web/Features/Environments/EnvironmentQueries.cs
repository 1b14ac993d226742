using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;
using Portal.Web.Features.Identity;

namespace Portal.Web.Features.Environments;

/// <summary>The reads the API and the pages share: which environments a person sees, and one environment in full.</summary>
public static class EnvironmentQueries
{
    /// <summary>The most log lines returned per run.</summary>
    public const int MaxLogLines = 2_000;

    /// <summary>Admins and approvers see every environment; others see their teams' and their own requests.</summary>
    public static IQueryable<PortalEnvironment> Visible(IQueryable<PortalEnvironment> query, AccessFacts who)
    {
        if (who.IsAdmin || who.IsApprover)
        {
            return query;
        }
        var teams = who.Teams.Select(t => t.ToLowerInvariant()).ToList();
        return query.Where(e => teams.Contains(e.OwnerTeam) || e.RequestedById == who.UserId);
    }

    public static async Task<EnvironmentDetail?> DetailAsync(PortalDbContext db, Guid id, CancellationToken cancellationToken)
    {
        var environment = await db.Environments.AsNoTracking().Include(e => e.Transitions).Include(e => e.Runs).AsSplitQuery()
            .FirstOrDefaultAsync(e => e.Id == id, cancellationToken);
        if (environment is null)
        {
            return null;
        }
        var runIds = environment.Runs.Select(r => r.Id).ToList();
        var lines = await db.EnvironmentLogLines.AsNoTracking().Where(l => runIds.Contains(l.RunId)).OrderBy(l => l.Id).Take(MaxLogLines * Math.Max(1, runIds.Count))
            .ToListAsync(cancellationToken);
        var runs = environment.Runs.OrderBy(r => r.QueuedAt).Select(r => new RunView(r.Id, r.Kind.ToString(), r.Status.ToString(), r.QueuedAt, r.StartedAt,
            r.FinishedAt, r.Error, lines.Where(l => l.RunId == r.Id).TakeLast(MaxLogLines).Select(l => new LogLineView(l.At, l.Step, l.Level, l.Message)).ToList())).ToList();
        return new EnvironmentDetail(EnvironmentSummary.From(environment), environment.ApprovalBy, environment.DecidedBy, environment.DecisionComment,
            environment.Cpu, environment.MemoryGi, environment.StorageGi, environment.Parameters,
            environment.Transitions.OrderBy(t => t.At).ThenBy(t => t.Id).Select(t => new TransitionView(t.From?.ToString(), t.To.ToString(), t.At, t.Actor, t.Comment)).ToList(),
            runs);
    }
}
