using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;

namespace Portal.TestSupport;

/// <summary>A real HTTP endpoint on loopback that records the JSON bodies posted to it (a webhook receiver).</summary>
public sealed class WebhookRecorder() : LoopbackServer("/hook/")
{
    public ConcurrentQueue<JsonElement> Received { get; } = new();

    /// <summary>Bodies whose <c>event</c> property equals <paramref name="name"/>.</summary>
    public IReadOnlyList<JsonElement> Events(string name) =>
        Received.Where(b => b.TryGetProperty("event", out var e) && e.GetString() == name).ToList();

    protected override async Task HandleAsync(HttpListenerContext context)
    {
        using var reader = new StreamReader(context.Request.InputStream);
        Received.Enqueue(JsonDocument.Parse(await reader.ReadToEndAsync()).RootElement.Clone());
        context.Response.StatusCode = 200;
    }
}
