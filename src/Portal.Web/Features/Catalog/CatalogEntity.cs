using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Web.Features.Catalog;

/// <summary>
/// A Backstage-format catalog entity. The whole descriptor is kept as jsonb (unknown kinds and
/// fields survive); what is filtered and sorted is copied into indexed columns.
/// </summary>
public sealed class CatalogEntity
{
    public Guid Id { get; set; } = Guid.NewGuid();

    /// <summary>Lower-case <c>kind:namespace/name</c>; identity is case-insensitive.</summary>
    public required string EntityRef { get; set; }
    public required string Kind { get; set; }
    public required string Namespace { get; set; }
    public required string Name { get; set; }
    public string? Title { get; set; }
    public string? Description { get; set; }
    public string? Type { get; set; }
    public string? Lifecycle { get; set; }

    /// <summary>Owner as a full, lower-case entity ref (e.g. <c>group:default/payments</c>).</summary>
    public string? Owner { get; set; }
    public string? System { get; set; }
    public string[] Tags { get; set; } = [];

    /// <summary>Lower-case <c>path=value</c> pairs for Backstage-style filters (see <see cref="CatalogFilterKeys"/>).</summary>
    public string[] FilterKeys { get; set; } = [];
    public required JsonDocument Document { get; set; }

    /// <summary>The location that manages this entity (null: created through the API).</summary>
    public Guid? LocationId { get; set; }

    /// <summary>
    /// Written by a trusted source (an admin through the API, or a location with <see cref="CatalogLocation.TrustedForIdentity"/>):
    /// only such Group and User entities count for team membership and sign-in identity.
    /// </summary>
    public bool TrustedForIdentity { get; set; }

    /// <summary>The file or URL the descriptor came from.</summary>
    public string? Source { get; set; }

    /// <summary>Set when the entity disappeared from its location; removed after the grace period.</summary>
    public DateTimeOffset? OrphanedAt { get; set; }

    /// <summary>Hash of the descriptor: unchanged entities are not rewritten on refresh.</summary>
    public string? ContentHash { get; set; }

    /// <summary>Generated full-text vector over name, title and description.</summary>
    public NpgsqlTypes.NpgsqlTsVector SearchVector { get; set; } = null!;
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public string DisplayName => string.IsNullOrWhiteSpace(Title) ? Name : Title;
}

internal sealed class CatalogEntityConfiguration : IEntityTypeConfiguration<CatalogEntity>
{
    public void Configure(EntityTypeBuilder<CatalogEntity> builder)
    {
        builder.ToTable("catalog_entities");
        builder.HasKey(e => e.Id);
        builder.HasIndex(e => e.EntityRef).IsUnique();
        builder.Property(e => e.EntityRef).HasMaxLength(400);
        builder.Property(e => e.Kind).HasMaxLength(63);
        builder.Property(e => e.Namespace).HasMaxLength(63);
        builder.Property(e => e.Name).HasMaxLength(63);
        builder.Property(e => e.Document).HasColumnType("jsonb");
        builder.HasIndex(e => new { e.Kind, e.Namespace, e.Name });
        builder.HasIndex(e => e.Owner);
        builder.HasIndex(e => e.System);
        builder.Ignore(e => e.DisplayName);
        builder.HasIndex(e => e.LocationId);
        builder.HasIndex(e => e.FilterKeys).HasMethod("gin");
        builder.HasIndex(e => new { e.Kind, e.Type });
        // The default listing: one kind, by name, keyset on (name, entity_ref) - walked in order, stopped after a page.
        builder.HasIndex(e => new { e.Kind, e.Name, e.EntityRef });
        builder.HasIndex(e => e.Name).HasMethod("gin").HasOperators("gin_trgm_ops").HasDatabaseName("ix_catalog_entities_name_trgm");
        builder.HasGeneratedTsVectorColumn(e => e.SearchVector, "simple", e => new { e.Name, e.Title, e.Description })
            .HasIndex(e => e.SearchVector).HasMethod("GIN");
        builder.Property(e => e.Source).HasMaxLength(2000);
        builder.Property(e => e.ContentHash).HasMaxLength(64);
    }
}
