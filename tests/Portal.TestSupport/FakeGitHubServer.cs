using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace Portal.TestSupport;

/// <summary>
/// A fake of GitHub (Enterprise) on loopback, because GitHub itself cannot be reached from here.
/// <para>
/// What is real: HTTPS (Kestrel, the shared self-signed certificate of <see cref="HttpsTestServer"/>) and git. Repositories
/// are bare repositories in <see cref="Root"/>, served over git's smart HTTP protocol by the real <c>git http-backend</c>
/// run as a CGI program, so <c>git clone</c>, <c>fetch</c> and <c>push</c> speak to it exactly as to a git host.
/// </para>
/// <para>
/// What is faked: the REST API (under <c>/api/v3</c>, as GitHub Enterprise serves it) answers only the calls the portal's
/// GitHub actions make: <c>GET /user</c>, <c>POST /orgs/{org}/repos</c>, <c>POST /user/repos</c>,
/// <c>GET /repos/{owner}/{repo}</c>, <c>GET /repos/{owner}/{repo}/pulls?head=owner:branch&amp;state=open</c> and
/// <c>POST /repos/{owner}/{repo}/pulls</c>, with GitHub's status codes (401 without the token, 404 for an unknown organisation
/// or repository, 422 for a taken name, a missing branch or a second open pull request from one branch). One token, one
/// user, a fixed set of organisations; no permissions beyond that.
/// </para>
/// Git trusts the certificate through <c>GIT_SSL_CAINFO</c> in this process's environment (inherited by every git the
/// in-process portal starts); an HTTP client trusts it by <see cref="HttpsTestServer.Thumbprint"/>.
/// </summary>
public sealed class FakeGitHubServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly HashSet<string> _organisations;
    private int _pullNumber;

    public FakeGitHubServer(string root, string token, string userLogin, params string[] organisations)
    {
        Root = Directory.CreateDirectory(root).FullName;
        Token = token;
        UserLogin = userLogin;
        _organisations = new HashSet<string>(organisations, StringComparer.OrdinalIgnoreCase);
        Environment.SetEnvironmentVariable("GIT_SSL_CAINFO", HttpsTestServer.CertificatePemFile);
        Port = PortalProcess.FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.ListenLocalhost(Port, listen => listen.UseHttps(HttpsTestServer.SharedCertificate)));
        _app = builder.Build();
        var api = _app.MapGroup("/api/v3");
        api.MapGet("/user", (Func<HttpContext, Task<IResult>>)(c => Api(c, _ => Task.FromResult(Results.Json(new { login = UserLogin, type = "User" })))));
        api.MapPost("/orgs/{org}/repos", (HttpContext c, string org) => Api(c, body => _organisations.Contains(org)
            ? CreateRepository(body, org)
            : Task.FromResult(NotFound())));
        api.MapPost("/user/repos", (Func<HttpContext, Task<IResult>>)(c => Api(c, body => CreateRepository(body, UserLogin))));
        api.MapGet("/repos/{owner}/{repo}", (HttpContext c, string owner, string repo) => Api(c, _ =>
            Task.FromResult(Directory.Exists(BarePath(owner, repo)) ? Results.Json(Describe(owner, repo)) : NotFound())));
        api.MapPost("/repos/{owner}/{repo}/pulls", (HttpContext c, string owner, string repo) => Api(c, body => OpenPullRequest(body, owner, repo)));
        api.MapGet("/repos/{owner}/{repo}/pulls", (HttpContext c, string owner, string repo, string? head, string? state) => Api(c, _ =>
            Task.FromResult(Exists(owner, repo) ? Results.Json(OpenPullRequestsFrom(owner, repo, head, state)) : NotFound())));
        _app.Map("/{owner}/{repo}.git/{**rest}", (HttpContext c, string owner, string repo) => GitAsync(c, owner, repo));
        _app.StartAsync().GetAwaiter().GetResult();
    }

    public string Root { get; }
    public string Token { get; }
    public string UserLogin { get; }
    public int Port { get; }

    /// <summary>The web address, as a repository's <c>html_url</c> starts; certificate name <c>localhost</c>.</summary>
    public string Url => $"https://localhost:{Port}";

    /// <summary>What the portal's <c>Portal:Templates:GitHub:ApiBaseUrl</c> is set to (GitHub Enterprise's form).</summary>
    public string ApiBaseUrl => Url + "/api/v3";

    /// <summary>Every REST call, in order: "POST /api/v3/orgs/acme/repos" and the JSON body.</summary>
    public ConcurrentQueue<(string Line, string? Authorization, JsonObject Body)> ApiRequests { get; } = new();

    /// <summary>Pull requests opened, by "owner/repo".</summary>
    public ConcurrentQueue<(string Repository, int Number, JsonObject Body)> PullRequests { get; } = new();

    /// <summary>
    /// While set, fetching from any repository fails with 503 (a GitHub outage): pushes and <c>ls-remote</c> still work,
    /// so a run can publish and then fail when the catalog reads the new repository.
    /// </summary>
    public bool RefuseFetches { get; set; }

    /// <summary>
    /// While set, a pull request is opened but its answer is lost (502 from a proxy in front of GitHub): the pull request
    /// exists, and the portal does not know it.
    /// </summary>
    public bool LosePullRequestAnswers { get; set; }

    public string BarePath(string owner, string repo) => Path.Combine(Root, owner, repo + ".git");

    public bool Exists(string owner, string repo) => Directory.Exists(BarePath(owner, repo));

    /// <summary>Makes a repository as someone else would have, with one commit, so a name is taken.</summary>
    public Task CreateTakenRepositoryAsync(string owner, string repo) => GitHttpBackend.CreateTakenAsync(BarePath(owner, repo));

    /// <summary>Clones a repository over HTTPS through this server (with the token), into a new temporary folder.</summary>
    public Task<string> CloneAsync(string owner, string repo, string? branch = null) =>
        GitHttpBackend.CloneAsync($"{Url}/{owner}/{repo}.git", GitAuthorization(), branch);

    /// <summary>The environment that makes git send the token (as the portal does), for a test's own git commands.</summary>
    public Dictionary<string, string> GitAuthorization() => new()
    {
        ["GIT_CONFIG_COUNT"] = "1",
        ["GIT_CONFIG_KEY_0"] = "http.extraHeader",
        ["GIT_CONFIG_VALUE_0"] = "Authorization: Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("x-access-token:" + Token)),
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
            return Results.Json(new { message = "Problems parsing JSON" }, statusCode: 400);
        }
        var authorization = context.Request.Headers.Authorization.ToString();
        ApiRequests.Enqueue(($"{context.Request.Method} {context.Request.Path}", authorization, body));
        if (authorization != $"Bearer {Token}" && authorization != $"token {Token}")
        {
            return Results.Json(new { message = "Bad credentials" }, statusCode: 401);
        }
        return await answer(body);
    }

    private static IResult NotFound() => Results.Json(new { message = "Not Found" }, statusCode: 404);

    private async Task<IResult> CreateRepository(JsonObject body, string owner)
    {
        var name = body["name"]?.ToString() ?? "";
        if (name.Length == 0 || name.Contains('/', StringComparison.Ordinal) || name.StartsWith('.'))
        {
            return Results.Json(new { message = "Validation Failed", errors = new[] { new { resource = "Repository", field = "name", code = "invalid" } } }, statusCode: 422);
        }
        var bare = BarePath(owner, name);
        if (Directory.Exists(bare))
        {
            return Results.Json(new { message = "Repository creation failed.", errors = new[] { new { resource = "Repository", code = "custom", field = "name", message = "name already exists on this account" } } },
                statusCode: 422);
        }
        Directory.CreateDirectory(bare);
        await GitHttpBackend.RunGitAsync(bare, null, "init", "-q", "--bare", "-b", "main");
        if (body["description"]?.ToString() is { Length: > 0 } description)
        {
            await File.WriteAllTextAsync(Path.Combine(bare, "description"), description + "\n");
        }
        return Results.Json(Describe(owner, name), statusCode: 201);
    }

    private JsonObject Describe(string owner, string repo) => new()
    {
        ["name"] = repo,
        ["full_name"] = $"{owner}/{repo}",
        ["owner"] = new JsonObject { ["login"] = owner },
        ["private"] = true,
        ["html_url"] = $"{Url}/{owner}/{repo}",
        ["clone_url"] = $"{Url}/{owner}/{repo}.git",
        ["default_branch"] = "main",
    };

    private async Task<IResult> OpenPullRequest(JsonObject body, string owner, string repo)
    {
        if (!Exists(owner, repo))
        {
            return NotFound();
        }
        foreach (var field in new[] { "head", "base" })
        {
            var branch = body[field]?.ToString() ?? "";
            var exists = branch.Length > 0 && !branch.StartsWith('-')
                && await TryGitAsync(BarePath(owner, repo), "rev-parse", "--verify", "--quiet", $"refs/heads/{branch}");
            if (!exists)
            {
                return Results.Json(new { message = "Validation Failed", errors = new[] { new { resource = "PullRequest", field, code = "invalid" } } }, statusCode: 422);
            }
        }
        var head = body["head"]!.ToString();
        if (PullRequests.Any(p => p.Repository == $"{owner}/{repo}" && p.Body["head"]?.ToString() == head))
        {
            return Results.Json(new { message = "Validation Failed", errors = new[] { new { resource = "PullRequest", code = "custom", message = $"A pull request already exists for {owner}:{head}." } } },
                statusCode: 422);
        }
        var number = Interlocked.Increment(ref _pullNumber);
        PullRequests.Enqueue(($"{owner}/{repo}", number, body));
        return LosePullRequestAnswers
            ? Results.Text("<html><body><h1>502 Bad Gateway</h1></body></html>", "text/html", statusCode: 502)
            : Results.Json(PullRequest(owner, repo, number, head), statusCode: 201);
    }

    /// <summary>GitHub's list filter: <c>head</c> is "owner:branch"; every pull request here stays open.</summary>
    private JsonArray OpenPullRequestsFrom(string owner, string repo, string? head, string? state) =>
        new(PullRequests.Where(p => p.Repository == $"{owner}/{repo}" && state is null or "open" or "all"
                && (head is null || head == $"{owner}:{p.Body["head"]}"))
            .Select(p => (JsonNode)PullRequest(owner, repo, p.Number, p.Body["head"]!.ToString())).ToArray());

    private JsonObject PullRequest(string owner, string repo, int number, string head) => new()
    {
        ["number"] = number,
        ["html_url"] = $"{Url}/{owner}/{repo}/pull/{number}",
        ["state"] = "open",
        ["head"] = new JsonObject { ["ref"] = head, ["label"] = $"{owner}:{head}" },
    };

    /// <summary>Smart HTTP: hands the request to <c>git http-backend</c> (CGI) and relays its answer.</summary>
    private async Task GitAsync(HttpContext context, string owner, string repo)
    {
        var authorization = context.Request.Headers.Authorization.ToString();
        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("x-access-token:" + Token));
        if (authorization != expected)
        {
            context.Response.StatusCode = 401;
            context.Response.Headers.WWWAuthenticate = "Basic realm=\"GitHub\"";
            return;
        }
        if (RefuseFetches && HttpMethods.IsPost(context.Request.Method) && context.Request.Path.Value!.EndsWith("/git-upload-pack", StringComparison.Ordinal)
            && await GitHttpBackend.IsFetchAsync(context.Request))
        {
            context.Response.StatusCode = 503;
            return;
        }
        await GitHttpBackend.ServeAsync(context, Root, "x-access-token");
    }

    private static async Task<bool> TryGitAsync(string directory, params string[] args)
    {
        try
        {
            await GitHttpBackend.RunGitAsync(directory, null, args);
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
