using System.Text.Json;
using System.Text.Json.Nodes;

namespace Portal.Web.Features.Environments.Drivers;

/// <summary>One line of <c>terraform -json</c> output, as the run log shows it.</summary>
public sealed record TerraformEvent(string Level, string Message, string Type, IReadOnlyDictionary<string, string>? Outputs);

/// <summary>Reads Terraform's machine-readable UI lines (https://developer.hashicorp.com/terraform/internals/machine-readable-ui).</summary>
public static class TerraformJsonLines
{
    public static TerraformEvent? Parse(string line)
    {
        if (string.IsNullOrWhiteSpace(line) || line[0] != '{')
        {
            return string.IsNullOrWhiteSpace(line) ? null : new TerraformEvent("info", line.Trim(), "text", null);
        }
        JsonObject? node;
        try
        {
            node = JsonNode.Parse(line) as JsonObject;
        }
        catch (JsonException)
        {
            return new TerraformEvent("info", line.Trim(), "text", null);
        }
        if (node is null)
        {
            return null;
        }
        var type = node["type"]?.GetValue<string>() ?? "";
        var level = node["@level"]?.GetValue<string>() ?? "info";
        var message = node["@message"]?.GetValue<string>() ?? "";
        if (type == "diagnostic" && node["diagnostic"] is JsonObject diagnostic)
        {
            level = diagnostic["severity"]?.GetValue<string>() == "error" ? "error" : "warning";
            var detail = diagnostic["detail"]?.GetValue<string>();
            message = string.IsNullOrWhiteSpace(detail) ? message : $"{message}: {detail}";
        }
        Dictionary<string, string>? outputs = null;
        if (type == "outputs" && node["outputs"] is JsonObject values && values.Any(v => v.Value?["value"] is not null || v.Value?["sensitive"]?.GetValue<bool>() == true))
        {
            outputs = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (name, output) in values)
            {
                if (output?["action"] is not null && output["value"] is null && output["sensitive"]?.GetValue<bool>() != true)
                {
                    continue; // the plan's announcement of an output, not its value
                }
                outputs[name] = output?["sensitive"]?.GetValue<bool>() == true ? "(sensitive)"
                    : output?["value"] is JsonValue v && v.TryGetValue<string>(out var s) ? s
                    : output?["value"]?.ToJsonString() ?? "";
            }
        }
        return new TerraformEvent(level == "error" ? "error" : level == "warn" || level == "warning" ? "warning" : "info", message, type, outputs);
    }
}
