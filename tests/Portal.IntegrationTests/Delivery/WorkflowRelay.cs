using System.Net;
using System.Net.Http.Headers;
using Portal.TestSupport;

namespace Portal.IntegrationTests.Delivery;

/// <summary>
/// Forwards a workflow script's HTTP calls (curl) to the portal and notes each answer's status, so a test can tell a 201
/// (stored) from a 200 (a retry of the same run) although the script itself only fails or succeeds.
/// </summary>
public sealed class WorkflowRelay(HttpClient portal) : LoopbackServer("/")
{
    private readonly List<(string Method, string Path, int Status)> _calls = [];

    /// <summary>Every call so far: method, path without the query, and the portal's status.</summary>
    public IReadOnlyList<(string Method, string Path, int Status)> Calls
    {
        get
        {
            lock (_calls)
            {
                return [.. _calls];
            }
        }
    }

    protected override async Task HandleAsync(HttpListenerContext context)
    {
        using var request = new HttpRequestMessage(new HttpMethod(context.Request.HttpMethod), context.Request.Url!.PathAndQuery);
        if (context.Request.HasEntityBody)
        {
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            request.Content = new ByteArrayContent(body.ToArray());
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(context.Request.ContentType ?? "application/json");
        }
        if (context.Request.Headers["Authorization"] is { } authorization)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }
        using var response = await portal.SendAsync(request);
        lock (_calls)
        {
            _calls.Add((context.Request.HttpMethod, context.Request.Url.AbsolutePath, (int)response.StatusCode));
        }
        context.Response.StatusCode = (int)response.StatusCode;
        context.Response.ContentType = "application/json";
        await context.Response.OutputStream.WriteAsync(await response.Content.ReadAsByteArrayAsync());
    }
}
