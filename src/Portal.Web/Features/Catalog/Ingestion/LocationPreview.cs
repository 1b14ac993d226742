using System.Text.Json.Nodes;

namespace Portal.Web.Features.Catalog.Ingestion;

/// <summary>What a location yields once validated: good entities and readable problems, nothing thrown.</summary>
/// <param name="ReadTime">How long reading and validating took, so a refresh that reuses the preview still reports its whole duration.</param>
public sealed record LocationPreview(IReadOnlyList<ValidatedEntity> Entities, IReadOnlyList<ReadProblem> Problems, bool Failed, TimeSpan ReadTime = default);

public sealed record ValidatedEntity(string EntityRef, JsonObject Entity, string Source, int Line);
