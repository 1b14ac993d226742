namespace Portal.Web.Infrastructure.Files;

public static class TempFolderSetup
{
    /// <summary>
    /// Start-up step: chooses the portal's temp folder (<see cref="PortalTempFolder.Setting"/>), removes what crashed
    /// portals left in it, and points ASP.NET Core's upload buffering (ASPNETCORE_TEMP) into this process's session
    /// folder unless the operator set it.
    /// </summary>
    public static void UsePortalTempFolder(this WebApplication app)
    {
        var configured = app.Configuration[PortalTempFolder.Setting];
        PortalTempFolder.Use(string.IsNullOrWhiteSpace(configured) ? PortalTempFolder.DefaultRoot() : configured);
        var removed = PortalTempFolder.CleanLeftovers(PortalTempFolder.Root);
        if (removed > 0)
        {
            app.Logger.LogInformation("Removed {Count} temporary folders left by portals that stopped without cleaning up, in {Folder}.",
                removed, PortalTempFolder.Root);
        }
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("ASPNETCORE_TEMP")))
        {
            Environment.SetEnvironmentVariable("ASPNETCORE_TEMP", PortalTempFolder.SessionFolder());
        }
    }
}
