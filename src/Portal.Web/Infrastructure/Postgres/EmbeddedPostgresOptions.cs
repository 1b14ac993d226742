namespace Portal.Web.Infrastructure.Postgres;

public sealed class EmbeddedPostgresOptions
{
    /// <summary>Folder holding the cluster (<c>data/</c>), its password and the instance lock.</summary>
    public string DataDirectory { get; set; } = DefaultDataDirectory();

    /// <summary>Folder with initdb and pg_ctl; empty means search the machine.</summary>
    public string? BinDirectory { get; set; }

    /// <summary>Database the portal uses inside the cluster.</summary>
    public string Database { get; set; } = "portal";

    /// <summary>Extra <c>postgres -c</c> settings, e.g. fsync=off for throwaway test clusters.</summary>
    public Dictionary<string, string> ServerSettings { get; } = new(StringComparer.Ordinal);

    public static string DefaultDataDirectory()
    {
        // The postgres system user cannot enter /root (mode 700), so root gets a system folder.
        if (EmbeddedPostgres.RunningAsRoot)
        {
            return "/var/lib/portal/postgres";
        }
        var dataHome = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        if (string.IsNullOrEmpty(dataHome))
        {
            dataHome = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
        }
        return Path.Combine(dataHome, "portal", "postgres");
    }
}
