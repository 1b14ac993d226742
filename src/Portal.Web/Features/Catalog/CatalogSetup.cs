using Microsoft.EntityFrameworkCore;
using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Web.Data;
using Portal.Web.Features.Identity;

namespace Portal.Web.Features.Catalog;

public static class CatalogSetup
{
    public static WebApplicationBuilder AddCatalog(this WebApplicationBuilder builder) => builder;

    public static void MapCatalog(this WebApplication app)
    {
        var api = app.MapGroup("/api/catalog").WithTags("Catalog").RequireAuthorization(PortalPolicies.CatalogRead);
        api.MapGet("/figures", async (IDbContextFactory<PortalDbContext> dbFactory, CancellationToken ct) =>
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            return TypedResults.Ok(await CatalogFigures.LoadAsync(db, ct));
        });

        // Backstage's "unregister entity": only the owning team (or an admin) may remove what it owns.
        api.MapDelete("/entities/by-name/{kind}/{ns}/{name}", async Task<Results<NoContent, NotFound, ForbidHttpResult>> (
            string kind, string ns, string name, IDbContextFactory<PortalDbContext> dbFactory, HttpContext http, CancellationToken ct) =>
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var key = new EntityRef(kind, ns, name).ToString();
            var entity = await db.CatalogEntities.FirstOrDefaultAsync(e => e.EntityRef == key, ct);
            if (entity is null)
            {
                return TypedResults.NotFound();
            }
            var actor = AuditActor.From(http);
            if (!AccessRules.CanChangeOwnedBy(AccessFacts.From(http.User), entity.Owner))
            {
                await AuditLog.WriteAsync(db, actor, "catalog.entity.delete", key, "denied", ct);
                return TypedResults.Forbid();
            }
            db.CatalogEntities.Remove(entity);
            AuditLog.Record(db, actor, "catalog.entity.delete", key, before: new { entity.Kind, entity.Name, entity.Owner });
            await db.SaveChangesAsync(ct);
            return TypedResults.NoContent();
        }).RequireAuthorization(PortalPolicies.CatalogWrite);
    }
}
