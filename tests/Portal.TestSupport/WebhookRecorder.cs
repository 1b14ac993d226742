using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;

namespace Portal.TestSupport;

/// <summary>A real HTTP endpoint on loopback that records the JSON bodies posted to it (a webhook receiver).</summary>
public sealed class WebhookRecorder : IAsyncDisposable, IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;

    public WebhookRecorder()
    {
        var port = PortalProcess.FreePort();
        Url = $"http://127.0.0.1:{port}/hook/";
        _listener.Prefixes.Add(Url);
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public string Url { get; }

    public ConcurrentQueue<JsonElement> Received { get; } = new();

    /// <summary>Bodies whose <c>event</c> property equals <paramref name="name"/>.</summary>
    public IReadOnlyList<JsonElement> Events(string name) =>
        Received.Where(b => b.TryGetProperty("event", out var e) && e.GetString() == name).ToList();

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            using (var reader = new StreamReader(context.Request.InputStream))
            {
                var body = await reader.ReadToEndAsync();
                Received.Enqueue(JsonDocument.Parse(body).RootElement.Clone());
            }
            context.Response.StatusCode = 200;
            context.Response.Close();
        }
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    public async ValueTask DisposeAsync()
    {
        if (!_listener.IsListening)
        {
            return;
        }
        _listener.Stop();
        _listener.Close();
        await _loop;
    }
}
