using System.Text.Json.Nodes;

namespace Portal.Web.Features.Templates;

/// <summary>One property of a parameter page, in the JSON Schema subset Backstage templates use.</summary>
public sealed record ParameterField(
    string Name,
    string Title,
    string Type,
    bool Required,
    string? Description = null,
    IReadOnlyList<JsonNode?>? Enum = null,
    IReadOnlyList<string>? EnumNames = null,
    JsonNode? Default = null,
    string? Pattern = null,
    int? MinLength = null,
    int? MaxLength = null,
    decimal? Minimum = null,
    decimal? Maximum = null,
    string? Widget = null,
    string? Field = null,
    JsonObject? CatalogFilter = null,
    string? Help = null,
    bool Autofocus = false,
    IReadOnlyList<string>? AllowedKinds = null,
    JsonArray? CatalogFilterList = null,
    IReadOnlyList<string>? AllowedHosts = null,
    IReadOnlyList<string>? AllowedOwners = null,
    PortalApi.ApiSelectOptions? ApiSelect = null,
    EntityTagsOptions? Tags = null,
    int? Rows = null)
{
    /// <summary>How many lines a textarea shows when the template does not say (<c>ui:options.rows</c>).</summary>
    public const int DefaultRows = 4;

    public bool IsSecret => Widget == "password";

    /// <summary>A field whose value names a catalog entity, which the server checks (see <see cref="TemplatePickers"/>).</summary>
    public bool IsPicker => Field is "OwnerPicker" or "EntityPicker" or "OwnedEntityPicker" or "MultiEntityPicker";

    /// <summary>Text that may span lines: a textarea (Backstage's <c>ui:widget: textarea</c>). Every other text is one line.</summary>
    public bool IsMultiline => Widget == "textarea";

    /// <summary>
    /// The kinds a picker accepts: <c>ui:options.catalogFilter.kind</c> (one or a list, also inside a list of
    /// filters), else <c>allowedKinds</c>, else Group and User for an owner; empty: any kind.
    /// </summary>
    public IReadOnlyList<string> PickerKinds
    {
        get
        {
            var filters = CatalogFilterList?.OfType<JsonObject>() ?? (CatalogFilter is null ? [] : [CatalogFilter]);
            var kinds = filters.Select(f => f["kind"]).SelectMany(k => k switch
            {
                JsonArray many => many.Select(x => x?.ToString()),
                JsonValue one => [one.ToString()],
                _ => [],
            }).OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            if (kinds.Count > 0)
            {
                return kinds;
            }
            return AllowedKinds is { Count: > 0 } allowed ? allowed : Field == "OwnerPicker" ? ["Group", "User"] : [];
        }
    }

    /// <summary>The label an enum value is shown with (<c>enumNames</c>, else the value).</summary>
    public string LabelOf(JsonNode? value)
    {
        if (Enum is not null && EnumNames is not null)
        {
            for (var i = 0; i < Enum.Count && i < EnumNames.Count; i++)
            {
                if (JsonNode.DeepEquals(Enum[i], value))
                {
                    return EnumNames[i];
                }
            }
        }
        return value?.ToString() ?? "";
    }
}
