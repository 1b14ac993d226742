namespace Portal.Web.Features.Templates;

public sealed record TemplateStepView(string Id, string Name, string Action);
