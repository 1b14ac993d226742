namespace Portal.Web.Features.Catalog.Ingestion;

/// <summary>A URL the portal will not read; the message is for the person who registered the location.</summary>
public sealed class UrlRefusedException(string message) : IOException(message);
