namespace Portal.Web.Features.Environments;

/// <summary>The catalog facts about the component an environment is for.</summary>
public sealed record ComponentFacts(string Ref, string? Owner, string? Lifecycle, string? System, string? Description);
