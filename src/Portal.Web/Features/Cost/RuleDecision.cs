namespace Portal.Web.Features.Cost;

/// <summary>An attribution with the index of the rule that decided each dimension (null: no rule).</summary>
public sealed record RuleDecision(Attribution Attribution, int? TeamRule, int? ComponentRule, int? EnvironmentRule);
