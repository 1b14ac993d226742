namespace Portal.Web.Infrastructure.Postgres;

public sealed class EmbeddedPostgresException(string message, Exception? inner = null) : Portal.Web.Infrastructure.Hosting.PortalStartupException(message, inner);
