using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Web.Features.Catalog;

/// <summary>A registered source of catalog-info.yaml files: a file path or glob, a git repository, or an https URL.</summary>
public sealed class CatalogLocation
{
    public Guid Id { get; set; } = Guid.NewGuid();

    /// <summary><c>file</c>, <c>git</c> or <c>url</c>.</summary>
    public required string Type { get; set; }
    public required string Target { get; set; }

    /// <summary>For git: the branch to read (default: the remote's default branch).</summary>
    public string? Branch { get; set; }

    /// <summary>For git: the path of the descriptor (or a glob) inside the repository.</summary>
    public string? Path { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public required string CreatedBy { get; set; }

    /// <summary>The registrant's user id (null for the portal itself and the bootstrap token); see <see cref="LocationRegistrant"/>.</summary>
    public string? RegisteredByUserId { get; set; }

    /// <summary>For a location a template registered: the task, whose requester is the registrant.</summary>
    public Guid? RegisteredByTaskId { get; set; }

    /// <summary>The registrant was an admin (or the portal): its entities may name any owner.</summary>
    public bool RegistrantIsAdmin { get; set; }

    /// <summary>The teams the registrant could act for when registering: the owners its entities may name.</summary>
    public string[] RegistrantTeams { get; set; } = [];

    /// <summary>
    /// Registered by an admin by hand or by the portal itself: only such locations may bring Group and User
    /// entities, and only their entities count for team membership.
    /// </summary>
    public bool TrustedForIdentity { get; set; }
    public DateTimeOffset? LastRefreshAt { get; set; }
    public int? LastRefreshMs { get; set; }

    /// <summary><c>pending</c>, <c>ok</c>, <c>warnings</c> or <c>failed</c>.</summary>
    public string Status { get; set; } = "pending";
    public int EntityCount { get; set; }

    /// <summary>Per-file and per-entity problems from the last refresh: [{source, line, entityRef, message}].</summary>
    public JsonDocument? Errors { get; set; }

    /// <summary>Canonical key so the same location is not registered twice (409).</summary>
    public string Key => $"{Type}:{Target}{(Branch is null ? "" : "#" + Branch)}{(Path is null ? "" : ":" + Path)}";
}

internal sealed class CatalogLocationConfiguration : IEntityTypeConfiguration<CatalogLocation>
{
    public void Configure(EntityTypeBuilder<CatalogLocation> builder)
    {
        builder.ToTable("catalog_locations");
        builder.HasKey(l => l.Id);
        builder.Property(l => l.Type).HasMaxLength(10);
        builder.Property(l => l.Target).HasMaxLength(2000);
        builder.Property(l => l.Status).HasMaxLength(20);
        builder.Property(l => l.Errors).HasColumnType("jsonb");
        builder.Property(l => l.RegisteredByUserId).HasMaxLength(450);
        builder.HasIndex(l => new { l.Type, l.Target, l.Branch, l.Path }).IsUnique().AreNullsDistinct(false);
        builder.Ignore(l => l.Key);
    }
}
