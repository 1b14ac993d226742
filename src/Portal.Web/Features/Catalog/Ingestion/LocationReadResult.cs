using System.Text.Json.Nodes;

namespace Portal.Web.Features.Catalog.Ingestion;

/// <summary>What reading a location gave: the entities read (with where each came from) and the problems met.</summary>
public sealed class LocationReadResult
{
    public List<ReadEntity> Entities { get; } = [];
    public List<ReadProblem> Problems { get; } = [];

    /// <summary>The location itself could not be read (missing file, git failure): its entities are left as they were.</summary>
    public bool Failed { get; set; }
}

public sealed record ReadEntity(JsonObject Entity, string Source, int Line);

public sealed record ReadProblem(string Source, int? Line, string? EntityRef, string Message);
