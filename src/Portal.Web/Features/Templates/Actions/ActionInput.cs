using System.Text.Json;
using System.Text.Json.Nodes;

namespace Portal.Web.Features.Templates.Actions;

/// <summary>The input checks every action shares, with messages that name the step's input.</summary>
public static class ActionInput
{
    public static void Check(IScaffolderAction action, JsonObject input)
    {
        foreach (var field in action.Inputs)
        {
            var value = input[field.Name];
            if (value is null || (value is JsonValue s && s.GetValueKind() == JsonValueKind.String && s.GetValue<string>().Length == 0))
            {
                if (field.Required)
                {
                    throw new TemplateRenderException($"{action.Id} needs the input '{field.Name}' ({field.Description}).");
                }
                continue;
            }
            var ok = field.Type switch
            {
                "string" => value is JsonValue v && v.GetValueKind() == JsonValueKind.String,
                "boolean" => value is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False,
                "object" => value is JsonObject,
                "string[]" => value is JsonArray a && a.All(i => i is JsonValue iv && iv.GetValueKind() == JsonValueKind.String),
                _ => true,
            };
            if (!ok)
            {
                throw new TemplateRenderException($"{action.Id}: the input '{field.Name}' must be {field.Type}.");
            }
        }
    }

    public static string? Text(JsonObject input, string name) =>
        input[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>() is { Length: > 0 } s ? s : null;

    public static bool Bool(JsonObject input, string name) =>
        input[name] is JsonValue v && v.GetValueKind() == JsonValueKind.True;

    public static IReadOnlyList<string> Strings(JsonObject input, string name) =>
        input[name] is JsonArray a ? a.Select(i => i?.ToString()).OfType<string>().ToList() : [];
}
