using System.Text.Json.Nodes;

namespace Portal.Web.Features.Catalog;

/// <summary>
/// How large a Template entity may be, checked when it is registered (<see cref="EntityValidator"/>) and again before
/// a run (templates stored before these limits existed). Here in the catalog, which validates every entity and
/// depends on no feature.
/// </summary>
public static class TemplateEntityLimits
{
    /// <summary>
    /// Backstage's own templates have a dozen steps at most; 100 leaves room for generated templates while bounding
    /// what one run may do (each step can keep an API answer of up to 1 MiB, see Portal:Templates:MaxRunOutputBytes).
    /// </summary>
    public const int MaxSteps = 100;

    /// <summary>
    /// A run accepts at most 200 values (TemplateParameters.MaxValues), so a form with more fields could never be
    /// submitted; each field can also query the portal (pickers, SelectFieldFromApi) when the form is shown.
    /// </summary>
    public const int MaxParameterFields = 200;

    public static string TooManySteps(int count) =>
        $"spec.steps has {count} steps; a template may have at most {MaxSteps}";

    public static string TooManyFields(int count) =>
        $"spec.parameters has {count} fields; a template's form may have at most {MaxParameterFields}";

    /// <summary>
    /// The fields of a form: every key of every <c>properties</c> object in <c>spec.parameters</c>, at any depth
    /// (pages, object fields, dependencies and oneOf branches), so no nesting hides fields.
    /// </summary>
    public static int CountFields(JsonNode? parameters)
    {
        switch (parameters)
        {
            case JsonObject obj:
                var count = 0;
                foreach (var (key, value) in obj)
                {
                    if (key == "properties" && value is JsonObject fields)
                    {
                        count += fields.Count;
                    }
                    count += CountFields(value);
                }
                return count;
            case JsonArray array:
                return array.Sum(CountFields);
            default:
                return 0;
        }
    }
}
