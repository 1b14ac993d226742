using Portal.Web.Features.Identity;

namespace Portal.Web.Features.Catalog;

/// <summary>
/// Who registered a location, as far as authority goes: the entities a location brings in may claim only what
/// its registrant may act for. Kept on the location, because every later refresh re-reads the source.
/// </summary>
/// <param name="Name">The actor's name, as the audit log names them.</param>
/// <param name="UserId">The person's user id (null for the portal itself and the bootstrap token).</param>
/// <param name="IsAdmin">Admins (and the portal's own seeding) may act for every owner.</param>
/// <param name="Teams">The teams the registrant may act for, from the trusted membership at registration.</param>
/// <param name="TaskId">For a location a template registered: the task; its requester is the registrant.</param>
public sealed record LocationRegistrant(string Name, string? UserId, bool IsAdmin, IReadOnlyCollection<string> Teams, Guid? TaskId = null)
{
    /// <summary>The portal's own seeding at start (demo organisation, built-in templates).</summary>
    public static readonly LocationRegistrant System = new(AuditActor.System.Name, null, true, []);

    /// <summary>
    /// Only what an admin registered by hand (or the portal itself) may define people and teams: a template's
    /// location holds whatever its requester pushes to the new repository, whoever ran it.
    /// </summary>
    public bool TrustedForIdentity => IsAdmin && TaskId is null;

    /// <summary>Someone registering through the API or the locations page.</summary>
    public static LocationRegistrant From(AuditActor actor, AccessFacts who) => new(actor.Name, who.UserId, who.IsAdmin, who.Teams.ToList());

    /// <summary>A location as stored.</summary>
    public static LocationRegistrant Of(CatalogLocation location) =>
        new(location.CreatedBy, location.RegisteredByUserId, location.RegistrantIsAdmin, location.RegistrantTeams, location.RegisteredByTaskId);

    /// <summary>Named in problems: "ana.silva (template task 0199…)" or just the name.</summary>
    public string Description => TaskId switch
    {
        null => Name,
        { } task when task == Guid.Empty => $"{Name} (through this template run)", // a dry run has no task
        { } task => $"{Name} (through template task {task})",
    };
}
