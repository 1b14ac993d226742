using System.Text;
using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;

namespace Portal.Web.Features.Identity;

public static class AuditEndpoints
{
    public const int MaxRows = 10_000;

    public static void MapAuditEndpoints(this WebApplication app)
    {
        var audit = app.MapGroup("/api/admin/audit").WithTags("Audit").RequireAuthorization(PortalPolicies.Admin);

        audit.MapGet("/", async ([AsParameters] AuditFilter filter, int? limit, PortalDbContext db, CancellationToken ct) =>
        {
            var rows = await AuditQueries.Filter(db.AuditEntries.AsNoTracking(), filter).Take(Math.Clamp(limit ?? 100, 1, MaxRows)).ToListAsync(ct);
            return TypedResults.Ok(rows.Select(AuditView.From).ToList());
        });

        audit.MapGet("/export.csv", async ([AsParameters] AuditFilter filter, PortalDbContext db, CancellationToken ct) =>
        {
            var rows = await AuditQueries.Filter(db.AuditEntries.AsNoTracking(), filter).Take(MaxRows).ToListAsync(ct);
            return TypedResults.File(Encoding.UTF8.GetBytes(AuditQueries.ToCsv(rows.Select(AuditView.From))), "text/csv", "audit-log.csv");
        });
    }
}
