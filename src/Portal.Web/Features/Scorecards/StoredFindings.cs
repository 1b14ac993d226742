using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Portal.Web.Features.Scorecards;

/// <summary>
/// How a result keeps its rules' findings small: <c>outcomes</c> holds one character per rule in the scorecard's order
/// (<c>p</c> pass, <c>f</c> fail, <c>n</c> no data), <c>rule_values</c> the facts (null when every rule's outcome says it
/// all), and <c>rules_key</c> which version of the rules they belong to: after an edit, results from before read as
/// "not evaluated yet" instead of being matched to the wrong rules.
/// </summary>
public static class StoredFindings
{
    /// <summary>Separates a finding's value from its detail inside one array element (never in a stored value).</summary>
    private const char Separator = '\u001f';

    public static string Outcomes(IReadOnlyList<RuleFinding> findings)
    {
        var codes = new char[findings.Count];
        for (var i = 0; i < codes.Length; i++)
        {
            codes[i] = RuleOutcome.Code(findings[i].Outcome);
        }
        return new string(codes);
    }

    /// <summary>The facts per rule (value, then detail after a separator), or null when no rule has any.</summary>
    public static string?[]? Values(IReadOnlyList<RuleFinding> findings)
    {
        string?[]? values = null;
        for (var i = 0; i < findings.Count; i++)
        {
            var f = findings[i];
            if (f.Value is null && f.Detail is null)
            {
                continue;
            }
            values ??= new string?[findings.Count];
            values[i] = f.Detail is null ? Clean(f.Value) : $"{Clean(f.Value)}{Separator}{Clean(f.Detail)}";
        }
        return values;
    }

    private static string? Clean(string? text) => text?.Replace(Separator, ' ');

    public static IReadOnlyList<RuleFinding> Decode(string outcomes, string?[]? values)
    {
        var findings = new RuleFinding[outcomes.Length];
        for (var i = 0; i < findings.Length; i++)
        {
            var stored = values is not null && i < values.Length ? values[i] : null;
            var split = stored?.IndexOf(Separator) ?? -1;
            findings[i] = new RuleFinding(RuleOutcome.FromCode(outcomes[i]), split < 0 ? stored : stored![..split], split < 0 ? null : stored![(split + 1)..]);
        }
        return findings;
    }

    /// <summary>A short hash of the rules' ids, levels, checks and parameters, in order: what the stored positions mean.</summary>
    public static string RulesKey(ScorecardDefinition card)
    {
        var text = string.Join('\n', card.Rules.Select(r => $"{r.Id}|{r.Level}|{r.Check}|{JsonSerializer.Serialize(r.Parameters.ToJson())}"));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..12];
    }

    /// <summary>
    /// A stored result's rules, explained against the current definition; when the definition changed since (another
    /// rules key) every rule reads "no data" saying it waits for the next evaluation.
    /// </summary>
    public static IReadOnlyList<RuleResult> Explain(ScorecardDefinition card, string rulesKey, string outcomes, string?[]? values, string? owner)
    {
        if (rulesKey != RulesKey(card) || outcomes.Length != card.Rules.Count)
        {
            return [.. card.Rules.Select(r => new RuleResult(r.Id, r.Title, r.Level, r.Check, RuleOutcome.NoData, "not evaluated yet", "-",
                "The scorecard changed after this result was stored; the next evaluation judges this rule.", r.HowToFix))];
        }
        var findings = Decode(outcomes, values);
        return [.. card.Rules.Select((r, i) => RuleExplanation.Explain(r, findings[i], owner))];
    }

    /// <summary>Whether every rule of <paramref name="ruleIds"/> passes in a stored result of the current rules key.</summary>
    public static bool AllPass(ScorecardDefinition card, string currentKey, string rulesKey, string outcomes, IReadOnlyCollection<string> ruleIds)
    {
        if (ruleIds.Count == 0)
        {
            return true;
        }
        if (rulesKey != currentKey || outcomes.Length != card.Rules.Count)
        {
            return false;
        }
        foreach (var id in ruleIds)
        {
            var index = IndexOf(card, id);
            if (index < 0 || outcomes[index] != 'p')
            {
                return false;
            }
        }
        return true;
    }

    public static int IndexOf(ScorecardDefinition card, string ruleId)
    {
        for (var i = 0; i < card.Rules.Count; i++)
        {
            if (card.Rules[i].Id == ruleId)
            {
                return i;
            }
        }
        return -1;
    }
}
