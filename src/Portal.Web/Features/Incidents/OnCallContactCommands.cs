using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;
using Portal.Web.Features.Identity;

namespace Portal.Web.Features.Incidents;

/// <summary>
/// Saving a person's contact, for the API and the "My on-call contact" page alike: a person changes only their own
/// (the signed-in name, never a name from the request), admins anyone's; checked by <see cref="OnCallContactRules"/>; audited.
/// </summary>
public static class OnCallContactCommands
{
    /// <summary>Whether the person may change this user's contact.</summary>
    public static bool MayChange(ClaimsPrincipal user, string userName)
    {
        var who = AccessFacts.From(user);
        return AccessRules.HasScope(who, PortalScopes.CatalogWrite)
            && (who.IsAdmin || string.Equals(user.Identity?.Name, userName, StringComparison.OrdinalIgnoreCase));
    }

    public static async Task<(OnCallOutcome Outcome, OnCallContactView? View, Dictionary<string, string[]> Problems)> SaveAsync(PortalDbContext db,
        ClaimsPrincipal user, AuditActor actor, OnCallContactsOptions options, DateTimeOffset now, string userName, OnCallContactRequest request,
        CancellationToken ct)
    {
        userName = userName.Trim();
        if (userName.Length is 0 or > 200)
        {
            return (OnCallOutcome.Invalid, null, new() { ["user"] = ["user is a user name of 1-200 characters."] });
        }
        if (!MayChange(user, userName))
        {
            AuditLog.Record(db, actor, "oncall.contact.saved", userName, "denied");
            await db.SaveChangesAsync(ct);
            return (OnCallOutcome.Forbidden, null, []);
        }
        var problems = OnCallContactRules.Problems(request, options);
        if (problems.Count > 0)
        {
            return (OnCallOutcome.Invalid, null, problems);
        }
        var contact = await db.Set<OnCallContact>().FirstOrDefaultAsync(c => c.UserName == userName, ct);
        var before = contact is null ? null : new { contact.Email, contact.WebhookFormat, contact.WebhookUrl };
        contact ??= db.Add(new OnCallContact { UserName = userName, UpdatedBy = "" }).Entity;
        contact.Email = string.IsNullOrWhiteSpace(request.Email) ? null : request.Email.Trim();
        contact.WebhookFormat = string.IsNullOrWhiteSpace(request.WebhookFormat) ? null : request.WebhookFormat.Trim().ToLowerInvariant();
        contact.WebhookUrl = string.IsNullOrWhiteSpace(request.WebhookUrl) ? null : request.WebhookUrl.Trim();
        contact.UpdatedAt = now;
        contact.UpdatedBy = user.Identity?.Name ?? actor.Name;
        AuditLog.Record(db, actor, "oncall.contact.saved", userName, before: before, after: new { contact.Email, contact.WebhookFormat, contact.WebhookUrl });
        await db.SaveChangesAsync(ct);
        return (OnCallOutcome.Saved, await OnCallContactQueries.ViewAsync(db, userName, ct), []);
    }
}
