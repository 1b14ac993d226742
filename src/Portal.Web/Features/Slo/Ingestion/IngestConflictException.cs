namespace Portal.Web.Features.Slo.Ingestion;

/// <summary>The export kept colliding with concurrent writes (an SLO rebuilt or deleted meanwhile); the client should retry (503).</summary>
public sealed class IngestConflictException() : Exception("Concurrent writes kept colliding with this export.");
