using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Portal.Web.Infrastructure.Csv;

namespace Portal.Web.Features.Identity;

public sealed record AuditFilter(string? Actor, string? Action, string? Target, DateTimeOffset? From, DateTimeOffset? To);

public sealed record AuditView(long Id, DateTimeOffset At, string ActorType, string Actor, string Action, string? Target, string Outcome, string? Ip, string? Changes)
{
    public static AuditView From(AuditEntry e) =>
        new(e.Id, e.At, e.ActorType, e.Actor, e.Action, e.Target, e.Outcome, e.Ip, e.Changes?.RootElement.GetRawText());
}

public static class AuditQueries
{
    public static IQueryable<AuditEntry> Filter(IQueryable<AuditEntry> query, AuditFilter filter)
    {
        if (!string.IsNullOrWhiteSpace(filter.Actor))
        {
            query = query.Where(e => EF.Functions.ILike(e.Actor, "%" + filter.Actor.Trim() + "%"));
        }
        if (!string.IsNullOrWhiteSpace(filter.Action))
        {
            query = query.Where(e => e.Action.StartsWith(filter.Action.Trim()));
        }
        if (!string.IsNullOrWhiteSpace(filter.Target))
        {
            query = query.Where(e => e.Target != null && EF.Functions.ILike(e.Target, "%" + filter.Target.Trim() + "%"));
        }
        if (filter.From is { } from)
        {
            query = query.Where(e => e.At >= from);
        }
        if (filter.To is { } to)
        {
            query = query.Where(e => e.At < to);
        }
        return query.OrderByDescending(e => e.Id);
    }

    /// <summary>RFC 4180 CSV; cells that a spreadsheet would run as a formula are defused (<see cref="CsvCell.Text"/>).</summary>
    public static string ToCsv(IEnumerable<AuditView> rows)
    {
        var csv = new StringBuilder("id,at,actor_type,actor,action,target,outcome,ip,changes\r\n");
        foreach (var r in rows)
        {
            csv.AppendJoin(',',
                r.Id.ToString(CultureInfo.InvariantCulture), r.At.ToString("O", CultureInfo.InvariantCulture), CsvCell.Text(r.ActorType), CsvCell.Text(r.Actor),
                CsvCell.Text(r.Action), CsvCell.Text(r.Target), CsvCell.Text(r.Outcome), CsvCell.Text(r.Ip), CsvCell.Text(r.Changes)).Append("\r\n");
        }
        return csv.ToString();
    }
}
