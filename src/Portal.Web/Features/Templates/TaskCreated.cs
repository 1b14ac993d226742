namespace Portal.Web.Features.Templates;

public sealed record TaskCreated(Guid? Id, Dictionary<string, string[]> Errors, bool TemplateMissing);
