using Npgsql;

namespace Portal.Web.Infrastructure.Hosting;

/// <summary>
/// Replicas that start together (a Kubernetes rollout, <c>replicas: 3</c>) take turns through the start-up steps that
/// write shared rows (migrations where allowed, roles, the admin account, built-in templates, the demo organisation):
/// each step checks and then inserts, so two at once would both insert and one would fail to start. A session-level
/// advisory lock on its own connection, released on dispose or when the process dies (the connection closes).
/// </summary>
public sealed class StartupLock : IAsyncDisposable
{
    /// <summary>Arbitrary and fixed: every replica must use the same key.</summary>
    public const long Key = 0x5_7A_27_00_01;

    private readonly NpgsqlConnection _connection;

    private StartupLock(NpgsqlConnection connection) => _connection = connection;

    public static async Task<StartupLock> AcquireAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        var connection = new NpgsqlConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand($"SELECT pg_advisory_lock({Key})", connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
            return new StartupLock(connection);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await using var command = new NpgsqlCommand($"SELECT pg_advisory_unlock({Key})", _connection);
            await command.ExecuteNonQueryAsync();
        }
        catch (NpgsqlException)
        {
            // The connection is gone: so is the lock.
        }
        await _connection.DisposeAsync();
    }
}
