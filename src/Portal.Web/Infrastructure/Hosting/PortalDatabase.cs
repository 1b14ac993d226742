using Portal.Web.Infrastructure.Postgres;

namespace Portal.Web.Infrastructure.Hosting;

/// <summary>
/// Where the portal's database lives. Uses <c>ConnectionStrings:Portal</c> when set; otherwise
/// starts the embedded PostgreSQL cluster on first use and stops it when the host is disposed
/// (after the Hangfire server has stopped). Resolved lazily so that configuration added by the
/// host (tests, command line) is seen.
/// </summary>
public sealed class PortalDatabase : IDisposable
{
    private readonly Lazy<(string ConnectionString, EmbeddedPostgres? Embedded)> _state;

    public PortalDatabase(IConfiguration configuration, ILogger<PortalDatabase> logger)
    {
        _state = new(() =>
        {
            var connectionString = configuration.GetConnectionString(DatabaseSetup.ConnectionStringName);
            if (!string.IsNullOrWhiteSpace(connectionString))
            {
                return (connectionString, null);
            }
            var options = new EmbeddedPostgresOptions();
            configuration.GetSection("Portal:EmbeddedPostgres").Bind(options);
            var embedded = EmbeddedPostgres.Start(options, message => logger.LogInformation("{Message}", message));
            return (embedded.ConnectionString, embedded);
        });
    }

    public string ConnectionString => _state.Value.ConnectionString;
    public bool IsEmbedded => _state.Value.Embedded is not null;
    public EmbeddedPostgres? Embedded => _state.Value.Embedded;

    public void Dispose()
    {
        if (_state.IsValueCreated)
        {
            _state.Value.Embedded?.Dispose();
        }
    }
}
