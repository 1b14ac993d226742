using MudBlazor;

namespace Portal.Web.Components.Layout;

/// <summary>
/// The portal's colours. Every text colour meets WCAG 2.1 AA (4.5:1) on the surfaces it is drawn on, in both themes
/// (docs/accessibility.md): MudBlazor's defaults do not (secondary text, and the bright status colours used as text on
/// chips, alerts and HTTP method badges). The light theme uses deeper status colours, the dark theme lighter ones with
/// dark text on filled buttons and chips; the browser tests check every page with axe in both.
/// </summary>
public static class PortalTheme
{
    private const string DarkInk = "#1a1a1a";

    public static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#3f51b5",
            AppbarBackground = "#283593",
            Background = "#f6f7fb",
            TextSecondary = "#5f6368",
            Info = "#1565c0",
            Success = "#1e6b24",
            Warning = "#a35200",
            Error = "#c62828",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#a5b4ff",
            PrimaryContrastText = DarkInk,
            AppbarBackground = "#1a1f3a",
            TextSecondary = "rgba(255,255,255,0.72)",
            Info = "#90caf9",
            InfoContrastText = DarkInk,
            Success = "#81c784",
            SuccessContrastText = DarkInk,
            Warning = "#ffb74d",
            WarningContrastText = DarkInk,
            Error = "#ff8a80",
            ErrorContrastText = DarkInk,
            // MudBlazor writes outlined and text alerts in the "darken" shade, computed darker than the base colour: on a
            // dark surface that loses contrast, so here the shades go lighter.
            InfoDarken = "#b3dbfb",
            SuccessDarken = "#a5d6a7",
            WarningDarken = "#ffc878",
            ErrorDarken = "#ffa49c",
        },
    };
}
