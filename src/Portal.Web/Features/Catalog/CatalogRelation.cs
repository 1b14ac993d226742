using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Web.Features.Catalog;

/// <summary>One generated relation. <see cref="OriginRef"/> is the entity whose descriptor produced it, so a refresh replaces exactly its own.</summary>
public sealed class CatalogRelation
{
    public long Id { get; set; }
    public required string SourceRef { get; set; }
    public required string Type { get; set; }
    public required string TargetRef { get; set; }
    public required string OriginRef { get; set; }
}

internal sealed class CatalogRelationConfiguration : IEntityTypeConfiguration<CatalogRelation>
{
    public void Configure(EntityTypeBuilder<CatalogRelation> builder)
    {
        builder.ToTable("catalog_relations");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.SourceRef).HasMaxLength(400);
        builder.Property(r => r.TargetRef).HasMaxLength(400);
        builder.Property(r => r.OriginRef).HasMaxLength(400);
        builder.Property(r => r.Type).HasMaxLength(40);
        builder.HasIndex(r => new { r.SourceRef, r.Type });
        builder.HasIndex(r => new { r.TargetRef, r.Type });
        builder.HasIndex(r => r.OriginRef);
    }
}
