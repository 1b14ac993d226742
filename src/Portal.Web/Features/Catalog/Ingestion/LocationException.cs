namespace Portal.Web.Features.Catalog.Ingestion;

/// <summary>A location that cannot be read, with a message for the person who registered it.</summary>
/// <summary>A location as a whole could not be read; the message is for the person who registered it.</summary>
public sealed class LocationException(string message) : Exception(message);
