namespace Portal.Web.Features.Templates;

/// <summary>A rendering went past one of <see cref="TemplateRenderLimits"/>; the message names the limit and its setting.</summary>
public sealed class TemplateLimitException(string message) : Exception(message);
