using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Portal.TestSupport;

/// <summary>
/// Stands in for Opsgenie's Alert API (which cannot be reached from here): a loopback HTTP server that records each
/// request's path and query, <c>Authorization</c> header and JSON body, and answers as Opsgenie documents it: 202 with
/// a request id, or 401 when the <c>GenieKey</c> is not the expected one.
/// </summary>
public sealed class FakeOpsgenieServer(string apiKey) : LoopbackServer("/")
{
    /// <summary>The create-alert URL to configure (<c>.../v2/alerts</c>).</summary>
    public string AlertsUrl => Url + "v2/alerts";

    public ConcurrentQueue<(string Method, string PathAndQuery, string? Authorization, JsonElement Body)> Received { get; } = new();

    protected override async Task HandleAsync(HttpListenerContext context)
    {
        using var reader = new StreamReader(context.Request.InputStream);
        var text = await reader.ReadToEndAsync();
        var authorization = context.Request.Headers["Authorization"];
        Received.Enqueue((context.Request.HttpMethod, context.Request.Url!.PathAndQuery, authorization,
            JsonDocument.Parse(text.Length == 0 ? "{}" : text).RootElement.Clone()));
        var accepted = authorization == $"GenieKey {apiKey}";
        context.Response.StatusCode = accepted ? 202 : 401;
        context.Response.ContentType = "application/json";
        var answer = accepted
            ? $$"""{"result":"Request will be processed","took":0.01,"requestId":"{{Guid.NewGuid()}}"}"""
            : """{"message":"Could not authenticate","took":0.0,"requestId":"0"}""";
        await context.Response.OutputStream.WriteAsync(Encoding.UTF8.GetBytes(answer));
    }
}
