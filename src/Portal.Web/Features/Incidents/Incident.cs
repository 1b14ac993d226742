using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Web.Features.Incidents;

/// <summary>
/// An incident: opened by a firing page-severity alert (later page alerts of the same component and SLO join it while
/// it is open), moved through <see cref="IncidentLifecycle"/> by the owning team, with its time to acknowledge and to
/// resolve recorded when they happen.
/// </summary>
public sealed class Incident
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Title { get; set; }
    public required string ComponentRef { get; set; }

    /// <summary>The SLO whose alert opened it (deduplication key with the component).</summary>
    public Guid? SloId { get; set; }
    public string? SloName { get; set; }
    public required string Severity { get; set; }
    public string Status { get; set; } = IncidentLifecycle.Triggered;
    public string? Runbook { get; set; }
    public DateTimeOffset TriggeredAt { get; set; }
    public DateTimeOffset? AcknowledgedAt { get; set; }
    public string? AcknowledgedBy { get; set; }
    public DateTimeOffset? MitigatedAt { get; set; }
    public DateTimeOffset? ResolvedAt { get; set; }
    public string? ResolvedBy { get; set; }

    /// <summary>MTTA's sample: seconds from triggered to acknowledged (a resolve without acknowledgement acknowledges).</summary>
    public long? SecondsToAcknowledge { get; set; }

    /// <summary>MTTR's sample: seconds from triggered to resolved.</summary>
    public long? SecondsToResolve { get; set; }

    /// <summary>The on-call layer paged last (0: the first); raised by <see cref="IncidentEscalationJob"/> while nobody acknowledges.</summary>
    public int EscalationLevel { get; set; }

    /// <summary>The person paged last (from the owning team's schedule), null when the team has no schedule.</summary>
    public string? OnCall { get; set; }

    /// <summary>When the current layer was paged: the escalation clock runs from here.</summary>
    public DateTimeOffset? PagedAt { get; set; }

    /// <summary>Who depends on the component (from the catalog graph when the incident opened), nearest first.</summary>
    public List<string> Dependents { get; set; } = [];

    /// <summary>The checklist's ticked tasks (keys of <see cref="IncidentChecklist.Tasks"/>).</summary>
    public List<string> ChecklistDone { get; set; } = [];

    /// <summary>The incident commander (a user name, a member of the owning team), assigned on the page or through the API; null until someone is.</summary>
    public string? Commander { get; set; }

    /// <summary>Declared by a person from the component's page (no alert, no SLO); null for alert-opened incidents.</summary>
    public string? DeclaredBy { get; set; }

    /// <summary>The postmortem's Markdown: drafted with the timeline when the incident resolves, then the team's to edit.</summary>
    public string? Postmortem { get; set; }
}

internal sealed class IncidentConfiguration : IEntityTypeConfiguration<Incident>
{
    public void Configure(EntityTypeBuilder<Incident> builder)
    {
        builder.ToTable("incidents");
        builder.HasKey(i => i.Id);
        builder.HasIndex(i => new { i.ComponentRef, i.SloId, i.Status });
        builder.HasIndex(i => i.TriggeredAt);
        builder.Property(i => i.Title).HasMaxLength(400);
        builder.Property(i => i.ComponentRef).HasMaxLength(400);
        builder.Property(i => i.SloName).HasMaxLength(63);
        builder.Property(i => i.Severity).HasMaxLength(10);
        builder.Property(i => i.Status).HasMaxLength(20);
        builder.Property(i => i.Runbook).HasMaxLength(2000);
        builder.Property(i => i.AcknowledgedBy).HasMaxLength(200);
        builder.Property(i => i.ResolvedBy).HasMaxLength(200);
        builder.Property(i => i.OnCall).HasMaxLength(200);
        builder.Property(i => i.Commander).HasMaxLength(200);
        builder.Property(i => i.DeclaredBy).HasMaxLength(200);
        // Incidents opened before these columns existed have none.
        builder.Property(i => i.Dependents).HasDefaultValueSql("'{}'");
        builder.Property(i => i.ChecklistDone).HasDefaultValueSql("'{}'");
        builder.Property(i => i.Postmortem).HasMaxLength(IncidentPostmortem.MaxLength);
    }
}
