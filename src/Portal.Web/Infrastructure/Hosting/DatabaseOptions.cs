namespace Portal.Web.Infrastructure.Hosting;

public sealed class DatabaseOptions
{
    public const string Section = "Portal:Database";

    /// <summary>
    /// Apply pending migrations at start. Null means: yes for the embedded database and in
    /// Development, no elsewhere (production migrates with <c>Portal.Web migrate</c>).
    /// </summary>
    public bool? AutoMigrate { get; set; }
}
