namespace Portal.Web.Infrastructure.Extensions;

/// <summary>The entity an <see cref="EntityTab"/> is shown for: its ref, kind (canonical spelling) and owner (a full group ref).</summary>
public sealed record EntityFacts(string EntityRef, string Kind, string? Owner);
