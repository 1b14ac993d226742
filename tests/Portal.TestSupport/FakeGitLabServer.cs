using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace Portal.TestSupport;

/// <summary>
/// A fake of a self-hosted GitLab on loopback, because GitLab itself cannot be reached from here.
/// <para>
/// What is real: HTTPS (Kestrel, the shared self-signed certificate of <see cref="HttpsTestServer"/>) and git: projects are
/// bare repositories in <see cref="Root"/> served over smart HTTP by the real <c>git http-backend</c> (<see cref="GitHttpBackend"/>),
/// with GitLab's git credentials (any user name, the token as the password).
/// </para>
/// <para>
/// What is faked: the REST API under <c>/api/v4</c> answers only the calls the portal's GitLab actions make:
/// <c>GET /user</c>, <c>GET /namespaces/{id}</c>, <c>GET /projects/{id}</c> (id or URL-encoded path), <c>POST /projects</c>,
/// <c>GET /users?username=</c>, <c>GET /projects/{id}/merge_requests?source_branch=&amp;state=opened</c> and
/// <c>POST /projects/{id}/merge_requests</c>, with GitLab's status codes and messages (401
/// without the token, 404 "Namespace Not Found"/"Project Not Found", 400 "has already been taken", 409 for a second open
/// merge request from one branch). One token (sent as <c>PRIVATE-TOKEN</c> or a bearer token), one user, fixed groups.
/// </para>
/// </summary>
public sealed class FakeGitLabServer : IAsyncDisposable
{
    private const int UserId = 7;
    private readonly WebApplication _app;
    private readonly Dictionary<string, int> _groups;
    private readonly ConcurrentDictionary<string, int> _projects = new(StringComparer.OrdinalIgnoreCase);
    private int _nextProjectId = 1000;
    private int _nextMergeRequest;

    public FakeGitLabServer(string root, string token, string username, params string[] groups)
    {
        Root = Directory.CreateDirectory(root).FullName;
        Token = token;
        Username = username;
        _groups = groups.Select((g, i) => (g, i)).ToDictionary(p => p.g, p => 100 + p.i, StringComparer.OrdinalIgnoreCase);
        Environment.SetEnvironmentVariable("GIT_SSL_CAINFO", HttpsTestServer.CertificatePemFile);
        Port = PortalProcess.FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.ListenLocalhost(Port, listen => listen.UseHttps(HttpsTestServer.SharedCertificate)));
        _app = builder.Build();
        var api = _app.MapGroup("/api/v4");
        api.MapGet("/user", (Func<HttpContext, Task<IResult>>)(c => Api(c, _ => Task.FromResult(Results.Json(new { id = UserId, username = Username })))));
        api.MapGet("/namespaces/{id}", (HttpContext c, string id) => Api(c, _ => Task.FromResult(Namespace(Uri.UnescapeDataString(id)))));
        api.MapGet("/projects/{id}", (HttpContext c, string id) => Api(c, _ =>
            Task.FromResult(FindProject(Uri.UnescapeDataString(id)) is { } path ? Results.Json(Describe(path)) : NotFound("404 Project Not Found"))));
        api.MapPost("/projects", (Func<HttpContext, Task<IResult>>)(c => Api(c, CreateProjectAsync)));
        api.MapGet("/users", (HttpContext c, string? username) => Api(c, _ => Task.FromResult(Results.Json(
            string.Equals(username, Username, StringComparison.OrdinalIgnoreCase) ? new object[] { new { id = UserId, username = Username } } : []))));
        api.MapPost("/projects/{id}/merge_requests", (HttpContext c, string id) => Api(c, body => OpenMergeRequestAsync(body, Uri.UnescapeDataString(id))));
        api.MapGet("/projects/{id}/merge_requests", (HttpContext c, string id, string? source_branch, string? state) => Api(c, _ =>
            Task.FromResult(FindProject(Uri.UnescapeDataString(id)) is { } path
                ? Results.Json(new JsonArray(MergeRequests.Where(m => m.Project == path && state is null or "opened" or "all"
                        && (source_branch is null || m.Body["source_branch"]?.ToString() == source_branch))
                    .Select(m => (JsonNode)MergeRequest(path, m.Iid)).ToArray()))
                : NotFound("404 Project Not Found"))));
        _app.Map("/{owner}/{repo}.git/{**rest}", GitAsync);
        _app.StartAsync().GetAwaiter().GetResult();
    }

    public string Root { get; }
    public string Token { get; }
    public string Username { get; }
    public int Port { get; }

    /// <summary>The web address, as a project's <c>web_url</c> starts; certificate name <c>localhost</c>.</summary>
    public string Url => $"https://localhost:{Port}";

    /// <summary>What the portal's <c>Portal:Templates:GitLab:ApiBaseUrl</c> is set to.</summary>
    public string ApiBaseUrl => Url + "/api/v4";

    /// <summary>Every REST call, in order: "POST /api/v4/projects", the token it came with, and the JSON body.</summary>
    public ConcurrentQueue<(string Line, string? Token, JsonObject Body)> ApiRequests { get; } = new();

    /// <summary>Merge requests opened: the project's path, its iid and the request's body.</summary>
    public ConcurrentQueue<(string Project, int Iid, JsonObject Body)> MergeRequests { get; } = new();

    /// <summary>While set, every push fails with 503 (a GitLab outage after the project was created).</summary>
    public bool RefusePushes { get; set; }

    /// <summary>While set, a merge request is opened but its answer is lost (502 from a proxy in front of GitLab).</summary>
    public bool LoseMergeRequestAnswers { get; set; }

    public string BarePath(string owner, string repo) => Path.Combine(Root, owner, repo + ".git");

    public bool Exists(string owner, string repo) => Directory.Exists(BarePath(owner, repo));

    /// <summary>Makes a project as someone else would have, with one commit on main, so a name is taken.</summary>
    public async Task CreateTakenProjectAsync(string owner, string repo)
    {
        await GitHttpBackend.CreateTakenAsync(BarePath(owner, repo));
        _projects.TryAdd($"{owner}/{repo}", Interlocked.Increment(ref _nextProjectId));
    }

    /// <summary>Clones a project over HTTPS through this server (with the token), into a new temporary folder.</summary>
    public Task<string> CloneAsync(string owner, string repo, string? branch = null) =>
        GitHttpBackend.CloneAsync($"{Url}/{owner}/{repo}.git", GitAuthorization(), branch);

    /// <summary>The environment that makes git send the token as GitLab expects (any user, the token as password).</summary>
    public Dictionary<string, string> GitAuthorization() => new()
    {
        ["GIT_CONFIG_COUNT"] = "1",
        ["GIT_CONFIG_KEY_0"] = "http.extraHeader",
        ["GIT_CONFIG_VALUE_0"] = "Authorization: Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("oauth2:" + Token)),
    };

    private async Task<IResult> Api(HttpContext context, Func<JsonObject, Task<IResult>> answer)
    {
        var text = await new StreamReader(context.Request.Body, Encoding.UTF8).ReadToEndAsync();
        JsonObject body;
        try
        {
            body = text.Length == 0 ? [] : JsonNode.Parse(text) as JsonObject ?? [];
        }
        catch (System.Text.Json.JsonException)
        {
            return Results.Json(new { error = "invalid JSON" }, statusCode: 400);
        }
        var authorization = context.Request.Headers.Authorization.ToString();
        var token = context.Request.Headers["PRIVATE-TOKEN"].ToString() is { Length: > 0 } privateToken ? privateToken
            : authorization.StartsWith("Bearer ", StringComparison.Ordinal) ? authorization["Bearer ".Length..] : null;
        ApiRequests.Enqueue(($"{context.Request.Method} {context.Request.Path}", token, body));
        if (token != Token)
        {
            return Results.Json(new { message = "401 Unauthorized" }, statusCode: 401);
        }
        return await answer(body);
    }

    /// <summary>GitLab's 400 for invalid fields: <c>{"message": {"field": ["problem"]}}</c>.</summary>
    private static IResult FieldErrors(params (string Field, string Problem)[] errors)
    {
        var message = new JsonObject();
        foreach (var (field, problem) in errors)
        {
            message[field] = new JsonArray(problem);
        }
        return Results.Json(new JsonObject { ["message"] = message }, statusCode: 400);
    }

    private static IResult NotFound(string message) => Results.Json(new { message }, statusCode: 404);

    private IResult Namespace(string id)
    {
        if (string.Equals(id, Username, StringComparison.OrdinalIgnoreCase) || id == UserId.ToString(System.Globalization.CultureInfo.InvariantCulture))
        {
            return Results.Json(new { id = UserId, name = Username, path = Username, kind = "user", full_path = Username });
        }
        var group = _groups.FirstOrDefault(g => string.Equals(g.Key, id, StringComparison.OrdinalIgnoreCase) || g.Value.ToString(System.Globalization.CultureInfo.InvariantCulture) == id);
        return group.Key is null
            ? NotFound("404 Namespace Not Found")
            : Results.Json(new { id = group.Value, name = group.Key, path = group.Key, kind = "group", full_path = group.Key });
    }

    /// <summary>A project's "owner/repo" path by its numeric id or its path.</summary>
    private string? FindProject(string id) =>
        int.TryParse(id, System.Globalization.CultureInfo.InvariantCulture, out var number)
            ? _projects.FirstOrDefault(p => p.Value == number).Key
            : _projects.Keys.FirstOrDefault(k => string.Equals(k, id, StringComparison.OrdinalIgnoreCase));

    private async Task<IResult> CreateProjectAsync(JsonObject body)
    {
        var name = body["path"]?.ToString() ?? body["name"]?.ToString() ?? "";
        var namespaceId = body["namespace_id"]?.GetValue<int>() ?? UserId;
        var owner = namespaceId == UserId ? Username : _groups.FirstOrDefault(g => g.Value == namespaceId).Key;
        if (owner is null)
        {
            return FieldErrors(("namespace_id", "is not valid"));
        }
        if (name.Length == 0 || name.Contains('/', StringComparison.Ordinal) || name.StartsWith('.'))
        {
            return FieldErrors(("path", "can contain only letters, digits, '_', '-' and '.'"));
        }
        var path = $"{owner}/{name}";
        if (!_projects.TryAdd(path, Interlocked.Increment(ref _nextProjectId)))
        {
            return FieldErrors(("name", "has already been taken"), ("path", "has already been taken"));
        }
        var bare = BarePath(owner, name);
        Directory.CreateDirectory(bare);
        await GitHttpBackend.RunGitAsync(bare, null, "init", "-q", "--bare", "-b", "main");
        if (body["description"]?.ToString() is { Length: > 0 } description)
        {
            await File.WriteAllTextAsync(Path.Combine(bare, "description"), description + "\n");
        }
        return Results.Json(Describe(path), statusCode: 201);
    }

    private JsonObject Describe(string path) => new()
    {
        ["id"] = _projects[path],
        ["path"] = path[(path.IndexOf('/', StringComparison.Ordinal) + 1)..],
        ["path_with_namespace"] = path,
        ["default_branch"] = "main",
        ["web_url"] = $"{Url}/{path}",
        ["http_url_to_repo"] = $"{Url}/{path}.git",
    };

    private async Task<IResult> OpenMergeRequestAsync(JsonObject body, string id)
    {
        if (FindProject(id) is not { } path)
        {
            return NotFound("404 Project Not Found");
        }
        var bare = Path.Combine(Root, path + ".git");
        foreach (var field in new[] { "source_branch", "target_branch" })
        {
            var branch = body[field]?.ToString() ?? "";
            if (branch.Length == 0 || branch.StartsWith('-') || !await BranchExistsAsync(bare, branch))
            {
                return Results.Json(new { message = new[] { $"Invalid {field}" } }, statusCode: 400);
            }
        }
        if (MergeRequests.FirstOrDefault(m => m.Project == path && m.Body["source_branch"]?.ToString() == body["source_branch"]?.ToString()) is { Project: not null } open)
        {
            return Results.Json(new { message = new[] { $"Another open merge request already exists for this source branch: !{open.Iid}" } }, statusCode: 409);
        }
        var iid = Interlocked.Increment(ref _nextMergeRequest);
        MergeRequests.Enqueue((path, iid, body));
        return LoseMergeRequestAnswers
            ? Results.Text("<html><body><h1>502 Bad Gateway</h1></body></html>", "text/html", statusCode: 502)
            : Results.Json(MergeRequest(path, iid), statusCode: 201);
    }

    private JsonObject MergeRequest(string path, int iid) => new() { ["iid"] = iid, ["web_url"] = $"{Url}/{path}/-/merge_requests/{iid}", ["state"] = "opened" };

    private static async Task<bool> BranchExistsAsync(string bare, string branch)
    {
        try
        {
            await GitHttpBackend.RunGitAsync(bare, null, "--git-dir=" + bare, "rev-parse", "--verify", "--quiet", $"refs/heads/{branch}");
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>Smart HTTP with GitLab's credentials: Basic with any user name and the token as the password.</summary>
    private async Task GitAsync(HttpContext context, string owner, string repo)
    {
        var authorization = context.Request.Headers.Authorization.ToString();
        string? password = null;
        if (authorization.StartsWith("Basic ", StringComparison.Ordinal))
        {
            var pair = Encoding.UTF8.GetString(Convert.FromBase64String(authorization["Basic ".Length..]));
            password = pair[(pair.IndexOf(':', StringComparison.Ordinal) + 1)..];
        }
        if (password != Token)
        {
            context.Response.StatusCode = 401;
            context.Response.Headers.WWWAuthenticate = "Basic realm=\"GitLab\"";
            return;
        }
        if (RefusePushes && context.Request.Path.Value!.EndsWith("/git-receive-pack", StringComparison.Ordinal))
        {
            context.Response.StatusCode = 503;
            return;
        }
        await GitHttpBackend.ServeAsync(context, Root, Username);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
