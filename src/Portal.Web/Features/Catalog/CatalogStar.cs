using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Web.Features.Catalog;

/// <summary>An entity a person starred: theirs alone, shown under "Starred" on the catalog page.</summary>
public sealed class CatalogStar
{
    public required string UserId { get; set; }
    /// <summary>The entity's ref as stored in <see cref="CatalogEntity.EntityRef"/>; a star outlives a refresh that drops and re-adds the entity.</summary>
    public required string EntityRef { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

internal sealed class CatalogStarConfiguration : IEntityTypeConfiguration<CatalogStar>
{
    public void Configure(EntityTypeBuilder<CatalogStar> builder)
    {
        builder.ToTable("catalog_stars");
        builder.HasKey(s => new { s.UserId, s.EntityRef });
        builder.Property(s => s.UserId).HasMaxLength(450);
        builder.Property(s => s.EntityRef).HasMaxLength(400);
    }
}
