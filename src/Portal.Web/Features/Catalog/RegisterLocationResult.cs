using System.Text.Json.Nodes;
using Portal.Web.Features.Catalog.Ingestion;

namespace Portal.Web.Features.Catalog;

/// <summary>What registering a location gives: the location (null for a dry run), the entities it holds and what could not be read.</summary>
public sealed record RegisterLocationResult(LocationView? Location, IReadOnlyList<JsonObject> Entities, IReadOnlyList<ReadProblem> Problems);
