using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Portal.Web.Features.Templates.Actions;

/// <summary>
/// The GitLab REST calls the GitLab actions share: the API and token a step uses (a step's own <c>token</c> input before
/// <c>Portal:Templates:GitLab:Token</c>, as Backstage does), one call with clear failures, and how git authenticates.
/// </summary>
public static class GitLabApi
{
    public const string HttpClientName = "gitlab";

    public sealed record Target(string Api, string? Token)
    {
        /// <summary>The web address beside the API: <c>https://host/api/v4</c> serves <c>https://host</c>.</summary>
        public string WebBase
        {
            get
            {
                var uri = new Uri(Api);
                var path = uri.AbsolutePath.TrimEnd('/');
                path = path.EndsWith("/api/v4", StringComparison.OrdinalIgnoreCase) ? path[..^"/api/v4".Length] : path;
                return uri.GetLeftPart(UriPartial.Authority) + path;
            }
        }

        public string Project(string owner, string repo) => $"{Api}/projects/{Uri.EscapeDataString(owner + "/" + repo)}";

        /// <summary>git over HTTPS: GitLab takes any user name with a token as the password (<c>oauth2</c> by convention).</summary>
        public Dictionary<string, string> GitEnvironment() => new()
        {
            ["GIT_CONFIG_COUNT"] = "1",
            ["GIT_CONFIG_KEY_0"] = "http.extraHeader",
            ["GIT_CONFIG_VALUE_0"] = "Authorization: " + GitAuthorization,
        };

        public string GitAuthorization => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("oauth2:" + Token));
    }

    public static Target For(TemplatesOptions options, JsonObject input) =>
        new(options.GitLab.ApiBaseUrl.TrimEnd('/'), ActionInput.Text(input, "token") ?? (string.IsNullOrWhiteSpace(options.GitLab.Token) ? null : options.GitLab.Token));

    public static string NotConfigured(string action) =>
        $"{action} is not configured: set Portal:Templates:GitLab:Token (and ApiBaseUrl for a self-hosted GitLab), or pass the step a token.";

    /// <summary>GitLab's error text: <c>message</c> is a string, a list or a field → messages object.</summary>
    public static string Message(JsonNode? json) => json?["message"] switch
    {
        JsonValue v => v.ToString(),
        JsonArray a => string.Join(" ", a.Select(i => i?.ToString())),
        JsonObject o => string.Join(" ", o.Select(p => $"{p.Key} {string.Join(", ", (p.Value as JsonArray ?? []).Select(i => i?.ToString()))}")),
        _ => json?["error"]?.ToString() ?? "",
    };

    /// <summary>One REST call; a GitLab that cannot be reached is a clear step failure, not a crash. The token is never in a message.</summary>
    public static async Task<(HttpStatusCode Status, JsonNode? Json)> SendAsync(HttpClient client, HttpMethod method, string url, JsonObject? body,
        Target target, CancellationToken cancellationToken)
    {
        try
        {
            using var request = new HttpRequestMessage(method, url) { Content = body is null ? null : JsonContent.Create(body) };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", target.Token);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            request.Headers.UserAgent.Add(new ProductInfoHeaderValue("portal-scaffolder", "1.0"));
            using var response = await client.SendAsync(request, cancellationToken);
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            JsonNode? json = null;
            try
            {
                json = text.Length == 0 ? null : JsonNode.Parse(text);
            }
            catch (System.Text.Json.JsonException)
            {
            }
            if (response.StatusCode == HttpStatusCode.Unauthorized)
            {
                throw new TemplateRenderException($"GitLab at {new Uri(url).GetLeftPart(UriPartial.Authority)} refused the token (401 {Message(json)}).");
            }
            return (response.StatusCode, json);
        }
        catch (HttpRequestException ex)
        {
            throw new TemplateRenderException($"GitLab at {new Uri(url).GetLeftPart(UriPartial.Authority)} could not be reached: {ex.Message}");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TemplateRenderException($"GitLab at {new Uri(url).GetLeftPart(UriPartial.Authority)} did not answer in time.");
        }
    }

    /// <summary>The namespace (group or user) a project goes in, by its path; not found is the author's error, said plainly.</summary>
    public static async Task<JsonNode> NamespaceAsync(HttpClient client, Target target, string owner, CancellationToken cancellationToken)
    {
        var found = await SendAsync(client, HttpMethod.Get, $"{target.Api}/namespaces/{Uri.EscapeDataString(owner)}", null, target, cancellationToken);
        if (found.Status == HttpStatusCode.NotFound)
        {
            throw new TemplateRenderException($"The GitLab namespace '{owner}' is not found or this token cannot see it.");
        }
        if (found.Status != HttpStatusCode.OK || found.Json?["id"] is null)
        {
            throw new TemplateRenderException($"GitLab did not describe the namespace '{owner}': {(int)found.Status} {Message(found.Json)}");
        }
        return found.Json;
    }
}
