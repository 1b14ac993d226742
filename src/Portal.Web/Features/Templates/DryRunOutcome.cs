namespace Portal.Web.Features.Templates;

public sealed record DryRunOutcome(DryRunResult? Result, Dictionary<string, string[]> Errors, bool TemplateMissing);
