using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Web.Features.Catalog;

/// <summary>An entity page a person opened, for the home's "Recently visited"; only the last few per person are kept.</summary>
public sealed class CatalogVisit
{
    public required string UserId { get; set; }
    public required string EntityRef { get; set; }
    public DateTimeOffset VisitedAt { get; set; }
}

internal sealed class CatalogVisitConfiguration : IEntityTypeConfiguration<CatalogVisit>
{
    public void Configure(EntityTypeBuilder<CatalogVisit> builder)
    {
        builder.ToTable("catalog_visits");
        builder.HasKey(v => new { v.UserId, v.EntityRef });
        builder.Property(v => v.UserId).HasMaxLength(450);
        builder.Property(v => v.EntityRef).HasMaxLength(400);
        builder.HasIndex(v => new { v.UserId, v.VisitedAt });
    }
}
