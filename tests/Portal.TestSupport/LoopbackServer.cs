using System.Net;

namespace Portal.TestSupport;

/// <summary>A real HTTP server on a free loopback port; subclasses say how each request is answered.</summary>
public abstract class LoopbackServer : IAsyncDisposable, IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;

    protected LoopbackServer(string path = "/")
    {
        Url = $"http://127.0.0.1:{PortalProcess.FreePort()}{path}";
        _listener.Prefixes.Add(Url);
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public string Url { get; }

    protected abstract Task HandleAsync(HttpListenerContext context);

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
            await HandleAsync(context);
            context.Response.Close();
        }
    }

    public void Dispose()
    {
        DisposeAsync().AsTask().GetAwaiter().GetResult();
        GC.SuppressFinalize(this);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_listener.IsListening)
        {
            return;
        }
        // Close alone: on Linux, Stop() already unbinds the port, and a Close() after it binds the port again to remove the
        // prefix, failing with "Address already in use" when another server has taken the port meanwhile.
        _listener.Close();
        // The loop ends once the request in hand is answered; one whose handler never returns fails the test that made it.
        await _loop.WaitAsync(TimeSpan.FromSeconds(30));
        GC.SuppressFinalize(this);
    }
}
