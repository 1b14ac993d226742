using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using MimeKit;
using SmtpServer;
using SmtpServer.Authentication;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace Portal.TestSupport;

/// <summary>
/// A real SMTP server on a free loopback port (the SmtpServer package) that keeps every message it accepts, parsed
/// with MimeKit. With a user name it requires AUTH (PLAIN or LOGIN) and records who signed in; plain text only
/// (no certificate here), so the client must be configured with security <c>none</c>.
/// </summary>
public sealed class SmtpRecorder : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly SmtpServer.SmtpServer _server;
    private readonly Task _running;

    public SmtpRecorder(string? userName = null, string? password = null)
    {
        Port = PortalProcess.FreePort();
        var options = new SmtpServerOptionsBuilder()
            .ServerName("localhost")
            .Endpoint(e => e.Endpoint(new IPEndPoint(IPAddress.Loopback, Port)).IsSecure(false)
                .AuthenticationRequired(userName is not null).AllowUnsecureAuthentication(userName is not null))
            .Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(new Store(this));
        if (userName is not null)
        {
            services.Add(new Authenticator(this, userName, password ?? ""));
        }
        _server = new SmtpServer.SmtpServer(options, services);
        _running = _server.StartAsync(_stop.Token);
    }

    public int Port { get; }

    public ConcurrentQueue<MimeMessage> Received { get; } = new();

    /// <summary>The user names that signed in, successfully or not.</summary>
    public ConcurrentQueue<(string User, bool Accepted)> SignIns { get; } = new();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _server.Shutdown();
        try
        {
            await _running;
        }
        catch (OperationCanceledException)
        {
            // stopping is the point
        }
        _stop.Dispose();
        foreach (var message in Received)
        {
            message.Dispose();
        }
    }

    private sealed class Store(SmtpRecorder recorder) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer,
            CancellationToken cancellationToken)
        {
            using var stream = new MemoryStream(buffer.ToArray());
            recorder.Received.Enqueue(await MimeMessage.LoadAsync(stream, cancellationToken));
            return SmtpResponse.Ok;
        }
    }

    private sealed class Authenticator(SmtpRecorder recorder, string userName, string password) : UserAuthenticator
    {
        public override Task<bool> AuthenticateAsync(ISessionContext context, string user, string pass, CancellationToken cancellationToken)
        {
            var accepted = user == userName && pass == password;
            recorder.SignIns.Enqueue((user, accepted));
            return Task.FromResult(accepted);
        }
    }
}
