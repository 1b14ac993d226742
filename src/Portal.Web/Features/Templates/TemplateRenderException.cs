namespace Portal.Web.Features.Templates;

/// <summary>A template's text could not be rendered; the message names what and where.</summary>
public sealed class TemplateRenderException(string message) : Exception(message)
{
    /// <summary>True when rendering stopped at one of <see cref="TemplateRenderLimits"/>.</summary>
    public bool LimitExceeded { get; init; }
}
