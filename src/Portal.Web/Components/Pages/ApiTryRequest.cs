using System.Text;
using System.Text.Json;
using Portal.Web.Features.Catalog;

namespace Portal.Web.Components.Pages;

/// <summary>The API reference console's request, built from what the reader filled in (pure).</summary>
public static class ApiTryRequest
{
    /// <summary>What stops the request from being sent, as the reader should read it; null when it can go.</summary>
    public static string? Problem(IReadOnlyList<ApiParameter> parameters, IReadOnlyDictionary<string, string?> values, string? jsonBody)
    {
        var missing = parameters.Where(p => (p.Required || p.In == "path") && string.IsNullOrWhiteSpace(values.GetValueOrDefault(p.Name))).Select(p => p.Name).ToList();
        if (missing.Count > 0)
        {
            return $"Fill in {string.Join(", ", missing)} first.";
        }
        if (jsonBody is null)
        {
            return null;
        }
        try
        {
            using var _ = JsonDocument.Parse(jsonBody);
            return null;
        }
        catch (JsonException e)
        {
            // The reader's own words (the parser's message names reader options they never set).
            return $"The request body is not valid JSON: look at line {(e.LineNumber ?? 0) + 1}, character {(e.BytePositionInLine ?? 0) + 1}.";
        }
    }

    /// <summary>The path with its parameters filled in (each escaped, so a value cannot change the path) and the query appended.</summary>
    public static string Url(string template, IReadOnlyList<ApiParameter> parameters, IReadOnlyDictionary<string, string?> values)
    {
        var path = template;
        foreach (var p in parameters.Where(p => p.In == "path"))
        {
            path = path.Replace("{" + p.Name + "}", Uri.EscapeDataString(values.GetValueOrDefault(p.Name) ?? ""), StringComparison.Ordinal);
        }
        var query = parameters.Where(p => p.In == "query" && !string.IsNullOrWhiteSpace(values.GetValueOrDefault(p.Name)))
            .Select(p => $"{Uri.EscapeDataString(p.Name)}={Uri.EscapeDataString(values[p.Name]!.Trim())}").ToList();
        return query.Count == 0 ? path : path + "?" + string.Join('&', query);
    }

    /// <summary>The same request as a curl command, with the token left as <c>$PORTAL_TOKEN</c> (a secret is never printed).</summary>
    public static string Curl(string baseUri, string method, string url, string? jsonBody, string? contentType)
    {
        var text = new StringBuilder($"curl -X {method} '{baseUri.TrimEnd('/')}{url}' \\\n  -H \"Authorization: Bearer $PORTAL_TOKEN\"");
        if (jsonBody is not null)
        {
            text.Append(" \\\n  -H 'Content-Type: application/json' \\\n  --data '").Append(jsonBody.Replace("'", "'\\''", StringComparison.Ordinal)).Append('\'');
        }
        else if (contentType is "multipart/form-data")
        {
            text.Append(" \\\n  -F 'file=@export.csv'");
        }
        else if (contentType is not null)
        {
            text.Append($" \\\n  -H 'Content-Type: {contentType}' \\\n  --data-binary @body");
        }
        return text.ToString();
    }
}
