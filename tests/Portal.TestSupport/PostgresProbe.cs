using System.Globalization;
using Npgsql;

namespace Portal.TestSupport;

/// <summary>Reads an embedded cluster's folder the way an operator would: its pid file and password.</summary>
public static class PostgresProbe
{
    /// <summary>postmaster.pid line 1 is the server pid, line 4 its port (PostgreSQL's documented layout).</summary>
    public static (int Pid, int Port)? Server(string clusterRoot)
    {
        var pidFile = Path.Combine(clusterRoot, "data", "postmaster.pid");
        if (!File.Exists(pidFile))
        {
            return null;
        }
        var lines = File.ReadAllLines(pidFile);
        return (int.Parse(lines[0], CultureInfo.InvariantCulture), int.Parse(lines[3], CultureInfo.InvariantCulture));
    }

    public static bool IsAlive(int pid) => global::Portal.Web.Infrastructure.Postgres.EmbeddedPostgres.IsPostgresProcess(pid);

    public static string ConnectionString(string clusterRoot, string database = "portal")
    {
        var server = Server(clusterRoot) ?? throw new InvalidOperationException("No server is running on " + clusterRoot);
        return new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = server.Port,
            Username = "portal",
            Password = File.ReadAllText(Path.Combine(clusterRoot, "password")).Trim(),
            Database = database,
            Pooling = false,
        }.ConnectionString;
    }

    public static async Task<object?> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }
}
