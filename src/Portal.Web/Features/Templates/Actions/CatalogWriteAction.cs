using System.Text;
using System.Text.Json.Nodes;
using Portal.Web.Features.Catalog;

namespace Portal.Web.Features.Templates.Actions;

/// <summary><c>catalog:write</c>: writes an entity as a catalog descriptor (YAML) into the workspace.</summary>
public sealed class CatalogWriteAction : IScaffolderAction
{
    public string Id => "catalog:write";
    public string Description => "Writes a catalog entity as YAML into the workspace (default catalog-info.yaml).";
    public bool HasSideEffects => false;
    public IReadOnlyList<ActionField> Inputs { get; } =
    [
        new("entity", "object", true, "The entity (apiVersion, kind, metadata, spec)."),
        new("filePath", "string", false, "The file in the workspace (default catalog-info.yaml)."),
    ];
    public IReadOnlyList<ActionField> Outputs { get; } = [];

    public Task<JsonObject> RunAsync(ActionContext context, JsonObject input, CancellationToken cancellationToken)
    {
        var entity = (JsonObject)input["entity"]!;
        var problems = EntityValidator.Validate(entity);
        if (problems.Count > 0)
        {
            throw new TemplateRenderException("catalog:write: the entity is not valid: " + string.Join(" ", problems));
        }
        var path = ActionInput.Text(input, "filePath") ?? "catalog-info.yaml";
        var describedAs = $"catalog:write filePath '{path}'";
        context.Workspace.Write(Workspace.SafePath(path, describedAs), Encoding.UTF8.GetBytes(DescriptorYaml.ToYaml(entity)), describedAs);
        context.Log($"Wrote {path}.");
        return Task.FromResult(new JsonObject());
    }
}
