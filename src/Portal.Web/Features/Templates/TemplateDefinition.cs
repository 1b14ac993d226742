using System.Text.Json;
using System.Text.Json.Nodes;
using Portal.Web.Features.Catalog;

namespace Portal.Web.Features.Templates;

/// <summary>
/// A <c>scaffolder.backstage.io/v1beta3</c> Template entity read into what the scaffolder needs.
/// <see cref="BaseDirectory"/> is the folder of the template's file: relative <c>url</c>s resolve there and nowhere else.
/// </summary>
public sealed record TemplateDefinition(
    string EntityRef,
    string Namespace,
    string Name,
    string Title,
    string? Description,
    IReadOnlyList<string> Tags,
    string? Owner,
    string? Type,
    IReadOnlyList<ParameterPage> Pages,
    IReadOnlyList<TemplateStep> Steps,
    JsonObject? Output,
    string? BaseDirectory)
{
    public IEnumerable<ParameterField> Fields => Pages.SelectMany(p => p.Fields);

    /// <summary>
    /// Written by a trusted source (an admin, or the portal's own seeding), not by a member: only such a template's calls
    /// of the portal's API (<c>http:backstage:request</c>, <c>SelectFieldFromApi</c>) carry the admin and approver roles
    /// of the person running it, and only such a template may broadcast. A member's template must not become an admin's
    /// hands when an admin runs it.
    /// </summary>
    public bool Trusted { get; init; }

    /// <summary>The owner as a full reference (<c>group:default/payments</c>), or null.</summary>
    public string? OwnerRef
    {
        get
        {
            try
            {
                return Owner is { Length: > 0 } owner ? Catalog.EntityRef.Parse(owner, "group", Namespace).ToString() : null;
            }
            catch (FormatException)
            {
                return null;
            }
        }
    }

    public static TemplateDefinition FromEntity(JsonObject entity, string? source)
    {
        var metadata = entity["metadata"] as JsonObject ?? [];
        var spec = entity["spec"] as JsonObject ?? [];
        var name = metadata["name"]?.ToString() ?? "";
        var ns = metadata["namespace"]?.ToString() ?? Catalog.EntityRef.DefaultNamespace;
        var steps = new List<TemplateStep>();
        if (spec["steps"] is JsonArray stepNodes)
        {
            var index = 0;
            foreach (var node in stepNodes.OfType<JsonObject>())
            {
                index++;
                var id = node["id"]?.ToString() is { Length: > 0 } given ? given : $"step-{index}";
                steps.Add(new TemplateStep(id, node["name"]?.ToString() ?? id, node["action"]?.ToString() ?? "",
                    node["input"] as JsonObject ?? [], node["if"]?.DeepClone()));
            }
        }
        return new TemplateDefinition(
            new EntityRef("template", ns, name).ToString(),
            ns,
            name,
            metadata["title"]?.ToString() ?? name,
            metadata["description"]?.ToString(),
            (metadata["tags"] as JsonArray)?.Select(t => t?.ToString()).OfType<string>().ToList() ?? [],
            spec["owner"]?.ToString(),
            spec["type"]?.ToString(),
            TemplateParameters.ReadPages(spec["parameters"]),
            steps,
            spec["output"]?.DeepClone() as JsonObject,
            source is not null && Path.IsPathRooted(source) ? Path.GetDirectoryName(source) : null);
    }

    /// <summary>
    /// The template as the catalog holds it. The catalog keeps entities as jsonb, which does not keep the order of
    /// object keys, and a form's fields must come in the order the author wrote them: so the template's own file is
    /// read again when it is on disk (file and git locations), falling back to the stored document.
    /// </summary>
    public static TemplateDefinition FromCatalog(CatalogDescriptor entity) => FromEntity(DocumentOf(entity), entity.Source) with { Trusted = entity.TrustedForIdentity };

    /// <summary>The template's descriptor with its keys in the author's order (see <see cref="FromCatalog"/>).</summary>
    public static JsonObject DocumentOf(CatalogDescriptor entity) => FromSourceFile(entity) ?? Parse(entity.Document);

    private static JsonObject? FromSourceFile(CatalogDescriptor entity)
    {
        if (entity.Source is null || !Path.IsPathRooted(entity.Source) || !File.Exists(entity.Source))
        {
            return null;
        }
        try
        {
            return DescriptorYaml.Parse(File.ReadAllText(entity.Source)).Select(d => d.Entity).OfType<JsonObject>().FirstOrDefault(e =>
                string.Equals(e["kind"]?.ToString(), "Template", StringComparison.OrdinalIgnoreCase)
                && string.Equals(e["metadata"]?["name"]?.ToString(), entity.Name, StringComparison.OrdinalIgnoreCase)
                && string.Equals(e["metadata"]?["namespace"]?.ToString() ?? Catalog.EntityRef.DefaultNamespace, entity.Namespace, StringComparison.OrdinalIgnoreCase));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public static JsonObject Parse(JsonDocument document) => JsonNode.Parse(document.RootElement.GetRawText())!.AsObject();
}
