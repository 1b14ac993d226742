using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Portal.Web.Features.Catalog;

namespace Portal.Web.Features.Scorecards;

/// <summary>One YAML document of a scorecard file: the definition, or every problem found in it.</summary>
public sealed record ParsedScorecard(int Index, ScorecardDefinition? Definition, IReadOnlyList<string> Errors);

/// <summary>
/// Reads and writes scorecards as YAML (<c>apiVersion: portal/v1</c>, <c>kind: Scorecard</c>), the versioned form that
/// is imported, exported and edited. Every problem is reported with where it is, nothing is half-read.
/// </summary>
public static partial class ScorecardYaml
{
    public const string ApiVersion = "portal/v1";
    public const string Kind = "Scorecard";
    public const int MaxBytes = 256 * 1024;
    public const int MaxDocuments = 50;
    public const int MaxLevels = 10;
    public const int MaxRules = 100;

    [GeneratedRegex("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")]
    private static partial Regex NamePattern();

    public static IReadOnlyList<ParsedScorecard> Parse(string yaml)
    {
        if (System.Text.Encoding.UTF8.GetByteCount(yaml) > MaxBytes)
        {
            return [new ParsedScorecard(0, null, [$"The file is larger than {MaxBytes / 1024} KB."])];
        }
        var documents = DescriptorYaml.Parse(yaml);
        if (documents.Count == 0)
        {
            return [new ParsedScorecard(0, null, ["The file holds no scorecard."])];
        }
        if (documents.Count > MaxDocuments)
        {
            return [new ParsedScorecard(0, null, [$"The file holds {documents.Count} documents; at most {MaxDocuments}."])];
        }
        return documents.Select((d, i) => d.Entity is null ? new ParsedScorecard(i, null, [d.Error ?? "unreadable"]) : Read(i, d.Entity)).ToList();
    }

    /// <summary>Parses one document that must hold exactly one scorecard.</summary>
    public static ParsedScorecard ParseOne(string yaml)
    {
        var all = Parse(yaml);
        return all.Count == 1 ? all[0] : new ParsedScorecard(0, null, [$"Exactly one scorecard is expected here; the text holds {all.Count}."]);
    }

    private static ParsedScorecard Read(int index, JsonObject doc)
    {
        var errors = new List<string>();
        if (Str(doc["apiVersion"]) != ApiVersion || Str(doc["kind"]) != Kind)
        {
            errors.Add($"apiVersion must be {ApiVersion} and kind {Kind}.");
        }
        var metadata = doc["metadata"] as JsonObject;
        var spec = doc["spec"] as JsonObject;
        var name = Str(metadata?["name"]);
        if (name is null || !NamePattern().IsMatch(name))
        {
            errors.Add("metadata.name must be 1 to 63 lower-case letters, digits and dashes.");
        }
        var title = Str(metadata?["title"]) ?? name ?? "";
        var description = Str(metadata?["description"]);
        if (title.Length > 200 || description?.Length > 2000)
        {
            errors.Add("metadata.title is at most 200 characters and metadata.description at most 2000.");
        }
        if (spec is null)
        {
            errors.Add("spec is missing.");
            return new ParsedScorecard(index, null, errors);
        }
        var owner = Str(spec["owner"]);
        string? ownerRef = null;
        if (owner is null)
        {
            errors.Add("spec.owner (a team) is required.");
        }
        else
        {
            try
            {
                ownerRef = EntityRef.Parse(owner, defaultKind: "group").ToString();
            }
            catch (FormatException ex)
            {
                errors.Add($"spec.owner: {ex.Message}");
            }
        }
        var enabled = spec["enabled"] is not JsonValue e || e.GetValueKind() != JsonValueKind.False;
        var levels = List(spec["levels"], "spec.levels", errors);
        if (levels.Count is 0 or > MaxLevels || levels.Distinct(StringComparer.OrdinalIgnoreCase).Count() != levels.Count)
        {
            errors.Add($"spec.levels must list 1 to {MaxLevels} distinct level names, lowest first (e.g. [Bronze, Silver, Gold]).");
        }
        var filterNode = spec["filter"] as JsonObject;
        var filter = new ScorecardFilter(List(filterNode?["kind"], "spec.filter.kind", errors), List(filterNode?["type"], "spec.filter.type", errors),
            List(filterNode?["lifecycle"], "spec.filter.lifecycle", errors), List(filterNode?["tags"], "spec.filter.tags", errors),
            List(filterNode?["system"], "spec.filter.system", errors));
        foreach (var unknown in (filterNode ?? []).Select(p => p.Key).Except(["kind", "type", "lifecycle", "tags", "system"]))
        {
            errors.Add($"spec.filter.{unknown} is unknown (kind, type, lifecycle, tags, system).");
        }
        var rules = new List<ScorecardRule>();
        if (spec["rules"] is not JsonArray ruleNodes || ruleNodes.Count is 0 or > MaxRules)
        {
            errors.Add($"spec.rules must list 1 to {MaxRules} rules.");
        }
        else
        {
            for (var i = 0; i < ruleNodes.Count; i++)
            {
                if (ReadRule(ruleNodes[i] as JsonObject, $"spec.rules[{i}]", levels, errors) is { } rule)
                {
                    rules.Add(rule);
                }
            }
            foreach (var duplicate in rules.GroupBy(r => r.Id).Where(g => g.Count() > 1))
            {
                errors.Add($"The rule id '{duplicate.Key}' is used more than once.");
            }
        }
        return errors.Count > 0
            ? new ParsedScorecard(index, null, errors)
            : new ParsedScorecard(index, new ScorecardDefinition(name!, title, description, ownerRef!, enabled, filter, levels, rules), []);
    }

    private static ScorecardRule? ReadRule(JsonObject? node, string at, IReadOnlyList<string> levels, List<string> errors)
    {
        if (node is null)
        {
            errors.Add($"{at} must be a mapping with id, level and check.");
            return null;
        }
        var id = Str(node["id"]);
        var level = Str(node["level"]);
        var check = Str(node["check"]);
        var ok = true;
        if (id is null || !NamePattern().IsMatch(id))
        {
            errors.Add($"{at}.id must be 1 to 63 lower-case letters, digits and dashes.");
            ok = false;
        }
        var matched = levels.FirstOrDefault(l => string.Equals(l, level, StringComparison.OrdinalIgnoreCase));
        if (matched is null)
        {
            errors.Add($"{at}.level must be one of the scorecard's levels ({string.Join(", ", levels)}).");
            ok = false;
        }
        var type = check is null ? null : RuleTypes.Find(check);
        if (type is null)
        {
            errors.Add($"{at}.check '{check}' is not a known check ({string.Join(", ", RuleTypes.All.Select(t => t.Name))}).");
            return null;
        }
        var (parameters, problems) = type.Bind(node["params"] as JsonObject);
        errors.AddRange(problems.Select(p => $"{at}: {p}"));
        if (node["params"] is { } raw && raw is not JsonObject)
        {
            errors.Add($"{at}.params must be a mapping.");
            ok = false;
        }
        var title = Str(node["title"]) ?? type.Description;
        var fix = Str(node["howToFix"]);
        if (title.Length > 200 || fix?.Length > 1000)
        {
            errors.Add($"{at}: title is at most 200 characters and howToFix at most 1000.");
            ok = false;
        }
        return ok && parameters is not null ? new ScorecardRule(id!, title, matched!, check!, parameters, fix) : null;
    }

    /// <summary>The definition as a YAML document (export), readable back by <see cref="Parse"/>.</summary>
    /// <summary>
    /// Splits a problem into the field it names and the message, so an editor shows each next to its field:
    /// "spec.rules[1]: 'x' must ..." gives ("spec.rules[1]", "'x' must ..."); a problem without a path is about the whole file.
    /// </summary>
    public static (string Field, string Message) Field(string error)
    {
        var match = FieldPrefix().Match(error);
        return match.Success ? (match.Groups[1].Value, error[match.Length..].Trim()) : ("(file)", error);
    }

    [GeneratedRegex(@"^((?:apiVersion|kind|metadata|spec)(?:\.[A-Za-z]+|\[\d+\])*)(?::\s*|\s+(?=\S))")]
    private static partial Regex FieldPrefix();

    public static string ToYaml(ScorecardDefinition card) => DescriptorYaml.ToYaml(ToJson(card));

    public static JsonObject ToJson(ScorecardDefinition card)
    {
        var filter = new JsonObject();
        void Add(string key, IReadOnlyList<string> values)
        {
            if (values.Count > 0)
            {
                filter[key] = Array(values);
            }
        }
        Add("kind", card.Filter.Kinds);
        Add("type", card.Filter.Types);
        Add("lifecycle", card.Filter.Lifecycles);
        Add("tags", card.Filter.Tags);
        Add("system", card.Filter.Systems);
        var metadata = new JsonObject { ["name"] = card.Name, ["title"] = card.Title };
        if (card.Description is not null)
        {
            metadata["description"] = card.Description;
        }
        return new JsonObject
        {
            ["apiVersion"] = ApiVersion,
            ["kind"] = Kind,
            ["metadata"] = metadata,
            ["spec"] = new JsonObject
            {
                ["owner"] = card.Owner,
                ["enabled"] = card.Enabled,
                ["levels"] = Array(card.Levels),
                ["filter"] = filter,
                ["rules"] = new JsonArray([.. card.Rules.Select(r =>
                {
                    var rule = new JsonObject { ["id"] = r.Id, ["title"] = r.Title, ["level"] = r.Level, ["check"] = r.Check };
                    if (r.Parameters.Values.Count > 0)
                    {
                        rule["params"] = r.Parameters.ToJson();
                    }
                    if (r.HowToFix is not null)
                    {
                        rule["howToFix"] = r.HowToFix;
                    }
                    return (JsonNode)rule;
                })]),
            },
        };
    }

    private static JsonArray Array(IEnumerable<string> values) => new([.. values.Select(v => (JsonNode?)JsonValue.Create(v))]);

    private static string? Str(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() is JsonValueKind.String or JsonValueKind.Number && v.ToString().Trim() is { Length: > 0 } s ? s : null;

    /// <summary>A single value or a list of them (up to 50 short texts).</summary>
    private static List<string> List(JsonNode? node, string at, List<string> errors)
    {
        if (node is null)
        {
            return [];
        }
        var items = node is JsonArray array ? array.Select(Str).ToList() : [Str(node)];
        if (items.Count > 50 || items.Any(i => i is null || i.Length > 200))
        {
            errors.Add($"{at} must be a text or a list of up to 50 texts.");
            return [];
        }
        return items.Select(i => i!).ToList();
    }
}
