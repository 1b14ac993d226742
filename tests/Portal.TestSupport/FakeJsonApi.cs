using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace Portal.TestSupport;

/// <summary>A real HTTP server on loopback that answers every GET with one JSON body and records the requested URLs (a stand-in for an API this machine cannot reach).</summary>
public sealed class FakeJsonApi : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;
    private readonly string _body;

    public FakeJsonApi(string body)
    {
        _body = body;
        Url = $"http://127.0.0.1:{PortalProcess.FreePort()}/";
        _listener.Prefixes.Add(Url);
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public string Url { get; }

    public ConcurrentQueue<string> Requests { get; } = new();

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
            Requests.Enqueue(context.Request.RawUrl ?? "");
            var bytes = Encoding.UTF8.GetBytes(_body);
            context.Response.ContentType = "application/json";
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _loop;
    }
}
