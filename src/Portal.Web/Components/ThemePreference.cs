namespace Portal.Web.Components;

/// <summary>The light/dark choice, cascaded from the cookie read at the first request.</summary>
public sealed class ThemePreference
{
    public const string CookieName = "portal-theme";

    public bool IsDark { get; set; }
}
