using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Portal.Web.Features.Catalog;

/// <summary>Checks a descriptor against Backstage's entity rules before it is stored.</summary>
public static partial class EntityValidator
{
    private const string NameRule =
        "must be 1-63 characters of [a-zA-Z0-9], '-', '_' or '.', starting and ending with a letter or digit";

    private const string DnsLabelRule =
        "must be a DNS label: 1-63 characters of [a-z0-9] and '-', starting and ending with a letter or digit";

    private const string KeyRule =
        "must be [prefix/]name, where prefix is a DNS subdomain (at most 253 characters of lower-case dot-separated DNS labels) and name "
        + NameRule;

    private const string TagRule = "must be 1-63 characters of [a-z0-9:+#] in words joined by single '-'";

    private static readonly string[] BackstageApiVersions = ["backstage.io/v1alpha1", "backstage.io/v1beta1"];
    private static readonly string[] TemplateApiVersions = ["scaffolder.backstage.io/v1beta3"];
    private static readonly string[] KnownKinds =
        ["Component", "API", "Resource", "System", "Domain", "Group", "User", "Location", "Template"];

    /// <summary>API definitions given as a placeholder are replaced by the file or URL content when the entity is read.</summary>
    private static readonly string[] SubstitutionKeys = ["$text", "$json", "$yaml"];

    private static readonly string[] MetadataTextFields = ["title", "description"];
    private static readonly string[] LinkTextFields = ["title", "icon", "type"];

    private static readonly string[] RelationStringFields = ["owner", "system", "domain", "subcomponentOf", "subdomainOf", "parent"];

    private static readonly string[] RelationArrayFields =
        ["providesApis", "consumesApis", "dependsOn", "dependencyOf", "children", "members", "memberOf"];

    /// <summary>
    /// Backstage's rules. Returns every problem found (empty = valid), each a readable sentence naming the field.
    /// Known kinds at a Backstage apiVersion also get their spec checked; other kinds (e.g. <c>AiResource</c>) and
    /// known kinds under a foreign apiVersion group are custom entities, valid when the envelope is valid.
    /// </summary>
    public static IReadOnlyList<string> Validate(JsonObject entity)
    {
        ArgumentNullException.ThrowIfNull(entity);

        // PostgreSQL cannot store it: one such entity is refused alone, instead of failing its whole location.
        if (Infrastructure.Hosting.StorableText.FindIn(entity) is { } unstorable)
        {
            return [unstorable];
        }
        var errors = new List<string>();
        var apiVersion = ValidateApiVersion(entity, errors);
        var kind = ValidateKind(entity, errors);
        ValidateMetadata(entity, errors);
        if (entity.TryGetPropertyValue("spec", out var specNode) && specNode is not null and not JsonObject)
        {
            errors.Add("spec must be an object");
        }
        else if (apiVersion is not null && kind is not null)
        {
            ValidateSpec(apiVersion, CatalogEntityMapper.CanonicalKind(kind), specNode as JsonObject ?? new JsonObject(), errors);
        }
        return errors.Distinct(StringComparer.Ordinal).ToList();
    }

    private static string? ValidateApiVersion(JsonObject entity, List<string> errors)
    {
        if (!TryGetString(entity, "apiVersion", "apiVersion", errors, out var apiVersion))
        {
            return null;
        }
        var slash = apiVersion.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0
            || !IsDnsSubdomain(apiVersion[..slash])
            || !ApiVersionPattern().IsMatch(apiVersion.AsSpan(slash + 1))
            || apiVersion.Length - slash - 1 > 63)
        {
            errors.Add($"apiVersion '{apiVersion}' must be group/version, e.g. backstage.io/v1alpha1");
            return null;
        }
        return apiVersion;
    }

    private static string? ValidateKind(JsonObject entity, List<string> errors)
    {
        if (!TryGetString(entity, "kind", "kind", errors, out var kind))
        {
            return null;
        }
        if (kind.Length > 63 || !KindPattern().IsMatch(kind))
        {
            errors.Add($"kind '{kind}' must start with a letter and contain only letters and digits (at most 63 characters)");
            return null;
        }
        return kind;
    }

    private static void ValidateMetadata(JsonObject entity, List<string> errors)
    {
        if (!entity.TryGetPropertyValue("metadata", out var metadataNode) || metadataNode is null)
        {
            errors.Add("metadata is required");
            return;
        }
        if (metadataNode is not JsonObject metadata)
        {
            errors.Add("metadata must be an object");
            return;
        }

        if (TryGetString(metadata, "name", "metadata.name", errors, out var name) && !IsValidName(name))
        {
            errors.Add($"metadata.name '{name}' {NameRule}");
        }

        if (metadata.ContainsKey("namespace")
            && TryGetString(metadata, "namespace", "metadata.namespace", errors, out var ns)
            && !IsDnsLabel(ns))
        {
            errors.Add($"metadata.namespace '{ns}' {DnsLabelRule}");
        }

        foreach (var field in MetadataTextFields)
        {
            if (metadata.TryGetPropertyValue(field, out var value) && AsString(value) is null)
            {
                errors.Add($"metadata.{field} must be a string");
            }
        }

        ValidateKeyValues(metadata, "labels", errors, checkValue: true);
        ValidateKeyValues(metadata, "annotations", errors, checkValue: false);
        ValidateTags(metadata, errors);
        ValidateLinks(metadata, errors);
    }

    private static void ValidateKeyValues(JsonObject metadata, string field, List<string> errors, bool checkValue)
    {
        if (!metadata.TryGetPropertyValue(field, out var node))
        {
            return;
        }
        if (node is not JsonObject map)
        {
            errors.Add($"metadata.{field} must be an object of string values");
            return;
        }
        foreach (var (key, value) in map)
        {
            if (!IsValidKey(key))
            {
                errors.Add($"metadata.{field} key '{key}' {KeyRule}");
            }
            var text = AsString(value);
            if (text is null)
            {
                errors.Add($"metadata.{field}.{key} must be a string");
            }
            else if (checkValue && text.Length > 0 && !IsValidName(text))
            {
                errors.Add($"metadata.{field}.{key} value '{text}' must be empty or 1-63 characters of [a-zA-Z0-9], '-', '_' or '.', starting and ending with a letter or digit");
            }
        }
    }

    private static void ValidateTags(JsonObject metadata, List<string> errors)
    {
        if (!metadata.TryGetPropertyValue("tags", out var node))
        {
            return;
        }
        if (node is not JsonArray tags)
        {
            errors.Add("metadata.tags must be an array of strings");
            return;
        }
        for (var i = 0; i < tags.Count; i++)
        {
            var tag = AsString(tags[i]);
            if (tag is null)
            {
                errors.Add($"metadata.tags[{i}] must be a string");
            }
            else if (tag.Length is 0 or > 63 || !TagPattern().IsMatch(tag))
            {
                errors.Add($"metadata.tags[{i}] '{tag}' {TagRule}");
            }
        }
    }

    private static void ValidateLinks(JsonObject metadata, List<string> errors)
    {
        if (!metadata.TryGetPropertyValue("links", out var node))
        {
            return;
        }
        if (node is not JsonArray links)
        {
            errors.Add("metadata.links must be an array of objects with a url");
            return;
        }
        for (var i = 0; i < links.Count; i++)
        {
            if (links[i] is not JsonObject link)
            {
                errors.Add($"metadata.links[{i}] must be an object with a url");
                continue;
            }
            if (string.IsNullOrWhiteSpace(AsString(link["url"])))
            {
                errors.Add($"metadata.links[{i}].url is required and must be a non-empty string");
            }
            foreach (var field in LinkTextFields)
            {
                if (link.TryGetPropertyValue(field, out var value) && AsString(value) is null)
                {
                    errors.Add($"metadata.links[{i}].{field} must be a string");
                }
            }
        }
    }

    private static void ValidateSpec(string apiVersion, string kind, JsonObject spec, List<string> errors)
    {
        if (!KnownKinds.Contains(kind, StringComparer.Ordinal))
        {
            return;
        }

        var expected = kind == "Template" ? TemplateApiVersions : BackstageApiVersions;
        if (!expected.Contains(apiVersion, StringComparer.Ordinal))
        {
            var group = apiVersion[..apiVersion.IndexOf('/', StringComparison.Ordinal)];
            if (group is "backstage.io" or "scaffolder.backstage.io")
            {
                errors.Add($"apiVersion '{apiVersion}' is not supported for kind {kind}; use {string.Join(" or ", expected)}");
            }
            // A known kind under someone else's group is their custom entity: envelope rules only.
            return;
        }

        switch (kind)
        {
            case "Component":
                RequireStrings(spec, kind, errors, "type", "lifecycle", "owner");
                break;
            case "API":
                RequireStrings(spec, kind, errors, "type", "lifecycle", "owner");
                ValidateApiDefinition(spec, errors);
                break;
            case "Resource":
                RequireStrings(spec, kind, errors, "type", "owner");
                break;
            case "System":
            case "Domain":
                RequireStrings(spec, kind, errors, "owner");
                break;
            case "Group":
                RequireStrings(spec, kind, errors, "type");
                RequireArray(spec, "children", kind, errors);
                break;
            case "User":
                RequireArray(spec, "memberOf", kind, errors);
                break;
            case "Location":
                ValidateLocation(spec, errors);
                break;
            case "Template":
                RequireStrings(spec, kind, errors, "type");
                RequireArray(spec, "steps", kind, errors);
                ValidateTemplateSize(spec, errors);
                break;
        }

        ValidateRelationFields(spec, errors);
    }

    private static void ValidateTemplateSize(JsonObject spec, List<string> errors)
    {
        if (spec["steps"] is JsonArray { Count: > TemplateEntityLimits.MaxSteps } steps)
        {
            errors.Add(TemplateEntityLimits.TooManySteps(steps.Count));
        }
        var fields = TemplateEntityLimits.CountFields(spec["parameters"]);
        if (fields > TemplateEntityLimits.MaxParameterFields)
        {
            errors.Add(TemplateEntityLimits.TooManyFields(fields));
        }
    }

    private static void ValidateApiDefinition(JsonObject spec, List<string> errors)
    {
        // MCP server APIs describe their endpoints in spec.remotes and have no definition (Backstage examples).
        var isMcpServer = string.Equals(AsString(spec["type"]), "mcp-server", StringComparison.OrdinalIgnoreCase);
        if (isMcpServer && spec.TryGetPropertyValue("remotes", out var remotes) && remotes is not JsonArray)
        {
            errors.Add("spec.remotes must be an array");
        }

        if (!spec.TryGetPropertyValue("definition", out var definition))
        {
            if (!isMcpServer)
            {
                errors.Add("spec.definition is required for kind API");
            }
            return;
        }

        switch (definition)
        {
            case JsonValue when !string.IsNullOrEmpty(AsString(definition)):
                return;
            case JsonObject placeholder when IsSubstitution(placeholder):
                return;
            default:
                errors.Add("spec.definition must be a non-empty string, or an object with a single $text, $json or $yaml key naming a file or URL");
                return;
        }
    }

    /// <summary>An object with a single <c>$text</c>/<c>$json</c>/<c>$yaml</c> key naming a file or URL.</summary>
    private static bool IsSubstitution(JsonObject placeholder)
    {
        if (placeholder.Count != 1)
        {
            return false;
        }
        foreach (var (key, value) in placeholder)
        {
            return SubstitutionKeys.Contains(key, StringComparer.Ordinal) && !string.IsNullOrWhiteSpace(AsString(value));
        }
        return false;
    }

    private static void ValidateLocation(JsonObject spec, List<string> errors)
    {
        var hasTarget = spec.TryGetPropertyValue("target", out var target);
        var hasTargets = spec.TryGetPropertyValue("targets", out var targets);
        if (!hasTarget && !hasTargets)
        {
            errors.Add("spec.target or spec.targets is required for kind Location");
        }
        if (hasTarget && string.IsNullOrWhiteSpace(AsString(target)))
        {
            errors.Add("spec.target must be a non-empty string");
        }
        if (hasTargets)
        {
            if (targets is not JsonArray list)
            {
                errors.Add("spec.targets must be an array of strings");
            }
            else
            {
                for (var i = 0; i < list.Count; i++)
                {
                    if (string.IsNullOrWhiteSpace(AsString(list[i])))
                    {
                        errors.Add($"spec.targets[{i}] must be a non-empty string");
                    }
                }
            }
        }
        if (spec.TryGetPropertyValue("type", out var type) && string.IsNullOrWhiteSpace(AsString(type)))
        {
            errors.Add("spec.type must be a non-empty string");
        }
        if (spec.TryGetPropertyValue("presence", out var presence) && AsString(presence) is not ("required" or "optional"))
        {
            errors.Add("spec.presence must be 'required' or 'optional'");
        }
    }

    private static void ValidateRelationFields(JsonObject spec, List<string> errors)
    {
        foreach (var field in RelationStringFields)
        {
            if (spec.TryGetPropertyValue(field, out var value) && string.IsNullOrWhiteSpace(AsString(value)))
            {
                errors.Add($"spec.{field} must be a non-empty string (an entity reference)");
            }
        }
        foreach (var field in RelationArrayFields)
        {
            if (spec.TryGetPropertyValue(field, out var value))
            {
                ValidateStringArray(value, $"spec.{field}", errors);
            }
        }
    }

    private static void RequireStrings(JsonObject spec, string kind, List<string> errors, params string[] fields)
    {
        foreach (var field in fields)
        {
            if (!spec.TryGetPropertyValue(field, out var value))
            {
                errors.Add($"spec.{field} is required for kind {kind}");
            }
            // Relation fields (owner) get their type checked in ValidateRelationFields; one message per problem.
            else if (!RelationStringFields.Contains(field, StringComparer.Ordinal) && string.IsNullOrWhiteSpace(AsString(value)))
            {
                errors.Add($"spec.{field} must be a non-empty string");
            }
        }
    }

    private static void RequireArray(JsonObject spec, string field, string kind, List<string> errors)
    {
        if (!spec.TryGetPropertyValue(field, out var value))
        {
            errors.Add($"spec.{field} is required for kind {kind} (use [] for none)");
        }
        else if (!RelationArrayFields.Contains(field, StringComparer.Ordinal) && value is not JsonArray)
        {
            // Relation fields get their type checked, item by item, in ValidateRelationFields.
            errors.Add($"spec.{field} must be an array");
        }
    }

    private static void ValidateStringArray(JsonNode? value, string path, List<string> errors)
    {
        if (value is not JsonArray array)
        {
            errors.Add($"{path} must be an array of strings (entity references)");
            return;
        }
        for (var i = 0; i < array.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(AsString(array[i])))
            {
                errors.Add($"{path}[{i}] must be a non-empty string (an entity reference)");
            }
        }
    }

    /// <summary>Reads a required string property, reporting when it is missing or not a string.</summary>
    private static bool TryGetString(JsonObject obj, string property, string path, List<string> errors, out string value)
    {
        value = string.Empty;
        if (!obj.TryGetPropertyValue(property, out var node))
        {
            errors.Add($"{path} is required");
            return false;
        }
        if (AsString(node) is not { } text)
        {
            errors.Add($"{path} must be a string");
            return false;
        }
        value = text;
        return true;
    }

    private static string? AsString(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String && value.TryGetValue<string>(out var text)
            ? text
            : null;

    private static bool IsValidName(string value) => value.Length is >= 1 and <= 63 && NamePattern().IsMatch(value);

    private static bool IsDnsLabel(string value) => value.Length is >= 1 and <= 63 && DnsLabelPattern().IsMatch(value);

    private static bool IsDnsSubdomain(string value) =>
        value.Length is >= 1 and <= 253 && value.Split('.').All(IsDnsLabel);

    private static bool IsValidKey(string key)
    {
        var parts = key.Split('/');
        return parts.Length switch
        {
            1 => IsValidName(parts[0]),
            2 => IsDnsSubdomain(parts[0]) && IsValidName(parts[1]),
            _ => false,
        };
    }

    [GeneratedRegex(@"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]\z")]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"^[a-z0-9]+(-[a-z0-9]+)*\z")]
    private static partial Regex DnsLabelPattern();

    [GeneratedRegex(@"^[a-zA-Z][a-z0-9A-Z]*\z")]
    private static partial Regex KindPattern();

    [GeneratedRegex(@"^[a-zA-Z0-9]+\z")]
    private static partial Regex ApiVersionPattern();

    [GeneratedRegex(@"^[a-z0-9:+#]+(-[a-z0-9:+#]+)*\z")]
    private static partial Regex TagPattern();
}
