using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Portal.Web.Features.Identity;
using Portal.Web.Features.Templates.PortalApi;
using Portal.Web.Infrastructure.Json;

namespace Portal.Web.Features.Templates.Actions;

/// <summary>
/// <c>http:backstage:request</c> (Roadie's action): calls the portal's own API as the person who started the run, with no
/// more rights than they have. Only paths under <c>/api/</c> (see <see cref="PortalApiPath"/>); the call runs in-process,
/// so no template can aim it at another host. A dry run makes GET, HEAD and OPTIONS calls and only reports the others.
/// </summary>
public sealed class HttpBackstageRequestAction(PortalApiClient client, IServiceProvider services) : IScaffolderAction
{
    private static readonly HashSet<string> DryRunSafe = new(StringComparer.Ordinal) { "GET", "HEAD", "OPTIONS" };

    public string Id => "http:backstage:request";
    public string Description => "Calls the portal's own API (a path under /api/) as the person who started the run, with their permissions.";

    // Its calls may change things (POST, DELETE): a resumed run does not repeat a completed one.
    public bool HasSideEffects => true;

    public IReadOnlyList<ActionField> Inputs { get; } =
    [
        new("method", "string", true, $"One of {string.Join(", ", PortalApiPath.Methods)}."),
        new("path", "string", true, "A path of the portal's API: /api/catalog/entities, or Backstage's form /catalog/entities (the same). No URLs, no '..'."),
        new("headers", "object", false, "Request headers. Authorization, Cookie, Host, Origin, X-Forwarded-* and the like are refused: the call acts as the person who started the run."),
        new("params", "object", false, "Query parameters (strings, numbers, booleans, lists)."),
        new("body", "any", false, "The body: an object or list is sent as JSON, a string as it is (at most 256 KiB)."),
        new("logRequestPath", "boolean", false, "Log the path (default true)."),
        new("continueOnBadResponse", "boolean", false, "On a 4xx/5xx answer, output it and go on instead of failing the step."),
        new("timeout", "number", false, "Milliseconds before the call is given up (default and at most 60000)."),
    ];

    public IReadOnlyList<ActionField> Outputs { get; } =
    [
        new("code", "string", false, "The status code, e.g. \"200\"."),
        new("headers", "object", false, "The answer's headers (lower-case names)."),
        new("body", "any", false, "The answer: parsed JSON when it is JSON, else text (at most 1 MiB)."),
    ];

    public async Task<JsonObject> RunAsync(ActionContext context, JsonObject input, CancellationToken cancellationToken)
    {
        var method = (ActionInput.Text(input, "method") ?? "").ToUpperInvariant();
        if (!PortalApiPath.Methods.Contains(method))
        {
            throw Fail($"the method '{ActionInput.Text(input, "method")}' is not one of {string.Join(", ", PortalApiPath.Methods)}.");
        }
        if (PortalApiPath.Parse(ActionInput.Text(input, "path"), out var pathError) is not var (path, pathQuery))
        {
            throw Fail(pathError!);
        }
        if (path.StartsWith("/api/scaffolder", StringComparison.OrdinalIgnoreCase))
        {
            throw Fail("a template cannot call the scaffolder's own API (it could start runs that start runs).");
        }
        var query = PortalApiPath.Query(pathQuery, input["params"] as JsonObject, out var queryError);
        if (queryError is not null)
        {
            throw Fail(queryError);
        }
        var headers = new List<KeyValuePair<string, string>>();
        string? contentType = null;
        foreach (var (name, node) in input["headers"] as JsonObject ?? [])
        {
            var value = node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : node?.ToJsonString() ?? "";
            if (PortalApiPath.HeaderProblem(name, value) is { } problem)
            {
                throw Fail(problem);
            }
            if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                contentType = value;
                continue;
            }
            headers.Add(new(name, value));
        }
        if (headers.Count > PortalApiPath.MaxHeaders)
        {
            throw Fail($"more than {PortalApiPath.MaxHeaders} headers.");
        }
        byte[]? body = null;
        switch (input["body"])
        {
            case null:
                break;
            case JsonValue text when text.GetValueKind() == JsonValueKind.String:
                body = Encoding.UTF8.GetBytes(text.GetValue<string>());
                contentType ??= "text/plain; charset=utf-8";
                break;
            case var structured:
                body = Encoding.UTF8.GetBytes(structured.ToJsonString());
                contentType ??= "application/json";
                break;
        }
        if (method is "GET" or "HEAD" && body is not null)
        {
            // Roadie's examples send a body with GET; HTTP gives it no meaning, and the portal's API reads none.
            context.Log($"The body is not sent with {method}.");
            body = null;
            contentType = null;
        }
        var shown = query.Length > 0 ? $"{path}?{query}" : path;
        var logPath = input["logRequestPath"] is not JsonValue lp || lp.GetValueKind() != JsonValueKind.False;
        var described = logPath ? $"{method} {shown}" : method;
        if (context.Requester is not { } requester)
        {
            throw Fail("the run was not started by a person (the bootstrap token or a service token), so there is nobody to act as.");
        }
        var principal = await ActingPrincipal.ForUserAsync(services, requester.UserId,
            requester.TaskId == Guid.Empty ? "scaffolder-dry-run" : $"scaffolder-task:{requester.TaskId}", requester.Scopes,
            elevated: context.Template.Trusted, cancellationToken)
            ?? throw Fail("the person who started the run no longer exists or is disabled.");
        if (!context.Template.Trusted && !DryRunSafe.Contains(method) && !AccessRules.CanChangeOwnedBy(AccessFacts.From(principal), context.Template.OwnerRef))
        {
            // A member's template may change things only for its own team's members: run by anyone else, it would act with
            // rights its author does not have.
            throw Fail($"{context.Template.EntityRef} was not registered by an admin, so its calls that change something run only for members of its owner "
                + $"{context.Template.OwnerRef ?? "(none)"}; you may read through it, not write.");
        }
        if (context.DryRun && !DryRunSafe.Contains(method))
        {
            context.Log($"Would call {described} as the person who started the run (a dry run makes only GET, HEAD and OPTIONS calls).");
            return new JsonObject();
        }
        var timeout = JsonNumbers.AsDouble(input["timeout"]) is { } ms && ms > 0 ? TimeSpan.FromMilliseconds(ms) : PortalApiClient.MaxDuration;
        context.Log($"Calling {described}.");
        PortalApiResponse response;
        try
        {
            response = await client.SendAsync(principal, new PortalApiRequest(method, path, query, headers, body, contentType), timeout, cancellationToken);
        }
        catch (PortalApiException ex)
        {
            throw Fail(ex.Message);
        }
        var answer = Parse(response);
        context.Log($"The API answered {response.Status}.");
        if (response.Status >= 400 && !ActionInput.Bool(input, "continueOnBadResponse"))
        {
            var detail = answer is JsonObject problem && (problem["detail"] ?? problem["title"]) is { } d ? $": {d}" : "";
            throw Fail($"{described} answered {response.Status}{detail}"
                + (response.Status is 401 or 403
                    ? context.Template.Trusted ? " (the call has the rights of the person who started the run)."
                        : " (the call has the member rights of the person who started the run: a template not registered by an admin never acts with admin or approver rights)."
                    : "."));
        }
        var outHeaders = new JsonObject();
        foreach (var (name, value) in response.Headers)
        {
            outHeaders[name] = value;
        }
        return new JsonObject { ["code"] = response.Status.ToString(System.Globalization.CultureInfo.InvariantCulture), ["headers"] = outHeaders, ["body"] = answer };
    }

    /// <summary>JSON when the answer says so (and parses), else the text.</summary>
    public static JsonNode? Parse(PortalApiResponse response)
    {
        if (response.Body.Length == 0)
        {
            return null;
        }
        var text = Encoding.UTF8.GetString(response.Body);
        if (response.ContentType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true)
        {
            try
            {
                return JsonNode.Parse(text);
            }
            catch (JsonException)
            {
                // Fall through: the text as it came.
            }
        }
        return JsonValue.Create(text);
    }

    private TemplateRenderException Fail(string message) => new($"{Id}: {message}");
}
