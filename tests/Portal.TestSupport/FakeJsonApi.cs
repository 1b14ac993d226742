using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace Portal.TestSupport;

/// <summary>A real HTTP server on loopback that answers every GET with one JSON body and records the requested URLs (a stand-in for an API this machine cannot reach).</summary>
public sealed class FakeJsonApi(string body) : LoopbackServer
{
    private readonly byte[] _body = Encoding.UTF8.GetBytes(body);

    public ConcurrentQueue<string> Requests { get; } = new();

    protected override async Task HandleAsync(HttpListenerContext context)
    {
        Requests.Enqueue(context.Request.RawUrl ?? "");
        context.Response.ContentType = "application/json";
        await context.Response.OutputStream.WriteAsync(_body);
    }
}
