namespace Portal.Web.Features.Templates;

/// <summary>A template tried to read or write outside where it may; the message names the file.</summary>
public sealed class TemplateSecurityException(string message) : Exception(message);
