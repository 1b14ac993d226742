using System.Text.RegularExpressions;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Portal.Web.Data;

namespace Portal.Web.Features.Cost;

/// <summary>The facts of a charge that rules look at.</summary>
public sealed record ChargeFacts(IReadOnlyDictionary<string, string> Tags, string? ResourceId, string? SubAccountId, string? ServiceName);

/// <summary>Ordered rules as a pure function from a charge to its team, component and environment.</summary>
public static class CostRules
{
    public static readonly string[] Kinds = ["tag", "resource", "subaccount", "service"];
    public static readonly string[] Dimensions = ["team", "component", "environment", "shared"];
    public static readonly string[] ValueMatches = ["exact", "prefix", "regex"];

    private static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(50);

    /// <summary>The rules a new install starts with, from configuration (tag keys, sub-account teams, shared services).</summary>
    public static List<CostAllocationRule> Defaults(CostAttributionOptions options)
    {
        var rules = new List<CostAllocationRule>();
        void Add(string kind, string match, string dimension, string? value = null) =>
            rules.Add(new CostAllocationRule { Position = rules.Count, Kind = kind, Match = match, Dimension = dimension, Value = value });
        foreach (var account in options.SharedSubAccounts) { Add("subaccount", account, "shared"); }
        foreach (var service in options.SharedServices) { Add("service", service, "shared"); }
        foreach (var key in options.TeamTags) { Add("tag", key, "team"); }
        foreach (var (account, team) in options.SubAccountTeams) { Add("subaccount", account, "team", team); }
        foreach (var key in options.ComponentTags) { Add("tag", key, "component"); }
        foreach (var key in options.EnvironmentTags) { Add("tag", key, "environment"); }
        return rules;
    }

    /// <summary>Problems with a rule list, each naming its position (1-based) as an admin sees it.</summary>
    public static IReadOnlyList<string> Validate(IReadOnlyList<CostAllocationRule> rules)
    {
        var errors = new List<string>();
        for (var i = 0; i < rules.Count; i++)
        {
            var r = rules[i];
            if (!Kinds.Contains(r.Kind)) { errors.Add($"Rule {i + 1}: kind must be one of {string.Join(", ", Kinds)}."); }
            if (!Dimensions.Contains(r.Dimension)) { errors.Add($"Rule {i + 1}: dimension must be one of {string.Join(", ", Dimensions)}."); }
            if (string.IsNullOrWhiteSpace(r.Match)) { errors.Add($"Rule {i + 1}: say what it matches."); }
            if (r.Kind == "resource")
            {
                try { _ = new Regex(r.Match, RegexOptions.None, RegexTimeout); }
                catch (ArgumentException ex) { errors.Add($"Rule {i + 1}: '{r.Match}' is not a regular expression: {ex.Message}"); }
            }
            if (r.ValueMatch is not null)
            {
                if (r.Kind != "tag") { errors.Add($"Rule {i + 1}: only tag rules match on the tag's value."); }
                if (!ValueMatches.Contains(r.ValueMatch)) { errors.Add($"Rule {i + 1}: the value match must be one of {string.Join(", ", ValueMatches)}."); }
                if (string.IsNullOrEmpty(r.Pattern)) { errors.Add($"Rule {i + 1}: say which value it matches."); }
                else if (r.ValueMatch == "regex")
                {
                    try
                    {
                        var regex = new Regex(r.Pattern, RegexOptions.None, RegexTimeout);
                        var groups = regex.GetGroupNumbers().Max();
                        foreach (Match reference in Regex.Matches(r.Value ?? "", @"\$(\d+)"))
                        {
                            if (int.Parse(reference.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) > groups)
                            {
                                errors.Add($"Rule {i + 1}: '{r.Value}' refers to {reference.Value}, but '{r.Pattern}' has {groups} group(s).");
                            }
                        }
                    }
                    catch (ArgumentException ex) { errors.Add($"Rule {i + 1}: '{r.Pattern}' is not a regular expression: {ex.Message}"); }
                }
            }
            if (r.Kind != "tag" && r.Dimension != "shared" && string.IsNullOrWhiteSpace(r.Value))
            {
                errors.Add($"Rule {i + 1}: a {r.Kind} rule needs the {r.Dimension} it assigns.");
            }
        }
        return errors;
    }

    public static Attribution Apply(ChargeFacts charge, IReadOnlyList<CostAllocationRule> rules, CatalogNames catalog) =>
        Decide(charge, rules, catalog).Attribution;

    /// <summary>
    /// The attribution and, per dimension, the index of the rule that decided it (null: no rule did; a team that
    /// comes from its component's owner is decided by the component's rule). Used to preview what a rule list moves.
    /// </summary>
    public static RuleDecision Decide(ChargeFacts charge, IReadOnlyList<CostAllocationRule> rules, CatalogNames catalog)
    {
        string? team = null, component = null, environment = null;
        int? teamRule = null, componentRule = null, environmentRule = null;
        for (var i = 0; i < rules.Count; i++) // in Position order: LoadAsync, Defaults and SaveAsync all produce ordered lists
        {
            var rule = rules[i];
            if (Value(rule, charge) is not { } value)
            {
                continue;
            }
            switch (rule.Dimension)
            {
                case "shared":
                    return new RuleDecision(new Attribution(CostAttribution.SharedTeam, null, null), i, i, i);
                case "team" when team is null:
                    var teamRef = $"group:default/{value.ToLowerInvariant()}";
                    (team, teamRule) = catalog.Teams.Contains(teamRef) ? (teamRef, (int?)i) : ((string?)null, (int?)null);
                    break;
                case "component" when component is null:
                    var componentRef = $"component:default/{value.ToLowerInvariant()}";
                    (component, componentRule) = catalog.ComponentOwners.ContainsKey(componentRef) ? (componentRef, (int?)i) : ((string?)null, (int?)null);
                    break;
                case "environment" when environment is null:
                    (environment, environmentRule) = (value.ToLowerInvariant(), i);
                    break;
            }
        }
        if (team is null && component is not null)
        {
            (team, teamRule) = (catalog.ComponentOwners[component], componentRule);
        }
        return new RuleDecision(new Attribution(team, component, environment), teamRule, componentRule, environmentRule);
    }

    private static string? Value(CostAllocationRule rule, ChargeFacts charge)
    {
        switch (rule.Kind)
        {
            case "tag":
                foreach (var (k, v) in charge.Tags)
                {
                    if (string.Equals(k, rule.Match, StringComparison.OrdinalIgnoreCase) && !string.IsNullOrWhiteSpace(v))
                    {
                        return TagValue(rule, v.Trim());
                    }
                }
                return null;
            case "resource":
                return charge.ResourceId is not null && Regex.IsMatch(charge.ResourceId, rule.Match, RegexOptions.None, TimeSpan.FromMilliseconds(50))
                    ? rule.Value ?? "" : null;
            case "subaccount":
                return charge.SubAccountId == rule.Match ? rule.Value ?? "" : null;
            case "service":
                return string.Equals(charge.ServiceName, rule.Match, StringComparison.OrdinalIgnoreCase) ? rule.Value ?? "" : null;
            default:
                return null;
        }
    }

    /// <summary>What a tag rule assigns for a tag value, or null when the value does not match the rule's pattern.</summary>
    private static string? TagValue(CostAllocationRule rule, string value)
    {
        var assign = string.IsNullOrWhiteSpace(rule.Value) ? null : rule.Value;
        switch (rule.ValueMatch)
        {
            case null:
                return assign ?? value;
            case "exact":
                return string.Equals(value, rule.Pattern, StringComparison.OrdinalIgnoreCase) ? assign ?? value : null;
            case "prefix":
                // What follows the prefix is the name (Owner "team-payments", prefix "team-" → payments) unless a value is set.
                return rule.Pattern is { Length: > 0 } p && value.StartsWith(p, StringComparison.OrdinalIgnoreCase) && (assign is not null || value.Length > p.Length)
                    ? assign ?? value[p.Length..] : null;
            case "regex":
                try
                {
                    // The whole value must match; $1… in the value are the groups, and without a value the first group (or the match) is the name.
                    var match = Regex.Match(value, $"^(?:{rule.Pattern})$", RegexOptions.IgnoreCase, RegexTimeout);
                    if (!match.Success)
                    {
                        return null;
                    }
                    var name = assign is not null ? match.Result(assign) : match.Groups.Count > 1 ? match.Groups[1].Value : match.Value;
                    return string.IsNullOrWhiteSpace(name) ? null : name.Trim();
                }
                catch (RegexMatchTimeoutException)
                {
                    return null;
                }
            default:
                return null;
        }
    }

    /// <summary>The rules in force: the admins' list, or the configured defaults while there is none.</summary>
    public static async Task<List<CostAllocationRule>> LoadAsync(PortalDbContext db, CostAttributionOptions options, CancellationToken cancellationToken)
    {
        var rules = await db.CostAllocationRules.AsNoTracking().OrderBy(r => r.Position).ToListAsync(cancellationToken);
        return rules.Count > 0 ? rules : Defaults(options);
    }

    /// <summary>The rules as the editor or API sent them, trimmed and in order, with what is wrong with them (save and preview alike).</summary>
    private static (List<CostAllocationRule> Rules, IReadOnlyList<string> Errors) Parse(IReadOnlyList<RuleView> wanted)
    {
        var rules = wanted.Select((r, i) => new CostAllocationRule
        {
            Position = i, Kind = r.Kind?.Trim() ?? "", Match = r.Match?.Trim() ?? "", Dimension = r.Dimension?.Trim() ?? "",
            Value = string.IsNullOrWhiteSpace(r.Value) ? null : r.Value.Trim(),
            ValueMatch = string.IsNullOrWhiteSpace(r.ValueMatch) || r.ValueMatch.Trim() == "any" ? null : r.ValueMatch.Trim(),
            Pattern = string.IsNullOrWhiteSpace(r.ValueMatch) ? null : r.Pattern?.Trim(),
        }).ToList();
        return (rules, rules.Count > 500 ? ["At most 500 rules."] : Validate(rules));
    }

    /// <summary>Replaces the rule list (validated, audited) and queues the recomputation of every line item.</summary>
    public static async Task<(List<CostAllocationRule> Rules, IReadOnlyList<string> Errors)> SaveAsync(PortalDbContext db, Identity.AuditActor actor,
        IReadOnlyList<RuleView> wanted, CostAttributionOptions options, Hangfire.IBackgroundJobClient jobs, CancellationToken cancellationToken)
    {
        var (rules, errors) = Parse(wanted);
        if (errors.Count > 0)
        {
            return (rules, errors);
        }
        var before = (await LoadAsync(db, options, cancellationToken)).Select(RuleView.From).ToList();
        db.CostAllocationRules.RemoveRange(await db.CostAllocationRules.ToListAsync(cancellationToken));
        db.CostAllocationRules.AddRange(rules);
        Identity.AuditLog.Record(db, actor, "cost.rules.update", "cost-allocation-rules", before: before, after: rules.Select(RuleView.From));
        await db.SaveChangesAsync(cancellationToken);
        // Allocation follows the rules: every line item is re-attributed in the background.
        jobs.Enqueue<CostRecomputeJob>(j => j.RunAsync(CancellationToken.None));
        return (rules, []);
    }

    /// <summary>
    /// What <paramref name="wanted"/> would change if saved, computed over every line item with the same rules engine
    /// as the recomputation, without writing anything. The list is validated first.
    /// </summary>
    public static async Task<(RulePreview? Preview, IReadOnlyList<string> Errors)> PreviewAsync(PortalDbContext db, IReadOnlyList<RuleView> wanted,
        CancellationToken cancellationToken)
    {
        var (rules, errors) = Parse(wanted);
        if (errors.Count > 0)
        {
            return (null, errors);
        }
        var catalog = await CostImporter.CatalogNamesAsync(db, cancellationToken);
        var tally = new RulePreviewTally(rules);
        long after = 0;
        while (true)
        {
            var batch = await db.CostLineItems.AsNoTracking().Where(c => c.Id > after).OrderBy(c => c.Id).Take(50_000)
                .Select(c => new { c.Id, c.Tags, c.AllocatedTags, c.ResourceId, c.AllocatedResourceId, c.SubAccountId, c.ServiceName, c.Team, c.Component, c.Environment, c.EffectiveCost })
                .ToListAsync(cancellationToken);
            if (batch.Count == 0)
            {
                break;
            }
            foreach (var c in batch)
            {
                var decision = Decide(new ChargeFacts(CostAllocationFacts.Tags(c.Tags, c.AllocatedTags), c.AllocatedResourceId ?? c.ResourceId, c.SubAccountId, c.ServiceName),
                    rules, catalog);
                tally.Add(new Attribution(c.Team, c.Component, c.Environment), decision, c.EffectiveCost);
            }
            after = batch[^1].Id;
        }
        return (tally.Result(), []);
    }

    /// <summary>
    /// Re-attributes every line item with the rules in force and rebuilds the daily rollup, in one
    /// transaction (the reports never show a half-recomputed state). Run after the rules change.
    /// </summary>
    public static async Task<int> RecomputeAsync(PortalDbContext db, CostAttributionOptions options, CancellationToken cancellationToken)
    {
        var rules = await LoadAsync(db, options, cancellationToken);
        var catalog = await CostImporter.CatalogNamesAsync(db, cancellationToken);
        await db.Database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await using (var create = new NpgsqlCommand("CREATE TEMP TABLE cost_reattribution (id bigint, team text, component text, environment text) ON COMMIT DROP", connection))
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
        var changed = 0;
        long after = 0;
        while (true)
        {
            var batch = await db.CostLineItems.AsNoTracking().Where(c => c.Id > after).OrderBy(c => c.Id).Take(50_000)
                .Select(c => new { c.Id, c.Tags, c.AllocatedTags, c.ResourceId, c.AllocatedResourceId, c.SubAccountId, c.ServiceName, c.Team, c.Component, c.Environment })
                .ToListAsync(cancellationToken);
            if (batch.Count == 0)
            {
                break;
            }
            await using (var copy = await connection.BeginBinaryImportAsync("COPY cost_reattribution (id, team, component, environment) FROM STDIN (FORMAT BINARY)", cancellationToken))
            {
                foreach (var c in batch)
                {
                    var who = Apply(new ChargeFacts(CostAllocationFacts.Tags(c.Tags, c.AllocatedTags), c.AllocatedResourceId ?? c.ResourceId, c.SubAccountId, c.ServiceName), rules, catalog);
                    if (who.Team == c.Team && who.Component == c.Component && who.Environment == c.Environment)
                    {
                        continue;
                    }
                    changed++;
                    await copy.StartRowAsync(cancellationToken);
                    await copy.WriteAsync(c.Id, NpgsqlTypes.NpgsqlDbType.Bigint, cancellationToken);
                    await copy.WriteNullableAsync(who.Team, cancellationToken);
                    await copy.WriteNullableAsync(who.Component, cancellationToken);
                    await copy.WriteNullableAsync(who.Environment, cancellationToken);
                }
                await copy.CompleteAsync(cancellationToken);
            }
            after = batch[^1].Id;
        }
        await using (var update = new NpgsqlCommand("""
            UPDATE cost_line_items c SET team = r.team, component = r.component, environment = r.environment
            FROM cost_reattribution r WHERE c.id = r.id;
            TRUNCATE cost_daily;
            SET LOCAL work_mem = '128MB';
            """ + CostDailyTotals.RollupSelect(""), connection) { CommandTimeout = 3_600 })
        {
            await update.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return changed;
    }
}
