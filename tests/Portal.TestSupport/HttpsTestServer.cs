using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Portal.TestSupport;

/// <summary>
/// A real HTTPS server (Kestrel) on 127.0.0.1 with a self-signed certificate for <c>localhost</c>, answering
/// each path from a table. A client trusts it by comparing <see cref="Thumbprint"/>; nothing here leaves the machine.
/// </summary>
public sealed class HttpsTestServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    public HttpsTestServer(IReadOnlyDictionary<string, Func<HttpContext, Task>> routes)
    {
        var certificate = Certificate.Value;
        Port = PortalProcess.FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, Port, listen => listen.UseHttps(certificate)));
        _app = builder.Build();
        _app.Run(context => routes.TryGetValue(context.Request.Path.Value ?? "", out var answer)
            ? answer(context)
            : Task.FromResult(context.Response.StatusCode = StatusCodes.Status404NotFound));
        _app.StartAsync().GetAwaiter().GetResult();
    }

    public int Port { get; }

    /// <summary>One certificate for the test run, so a client configured once (an app factory shared by a test class) trusts every server.</summary>
    private static readonly Lazy<X509Certificate2> Certificate = new(SelfSigned);

    public static string Thumbprint => Certificate.Value.GetCertHashString();

    /// <summary>The same certificate, for other loopback servers of this assembly (one trust setting covers them all).</summary>
    internal static X509Certificate2 SharedCertificate => Certificate.Value;

    /// <summary>
    /// A PEM file holding the certificate, for clients that trust by CA file rather than by callback (git: <c>GIT_SSL_CAINFO</c>).
    /// </summary>
    public static string CertificatePemFile => PemFile.Value;

    private static readonly Lazy<string> PemFile = new(() =>
    {
        var path = Path.Combine(Path.GetTempPath(), $"portal-test-ca-{Environment.ProcessId}.pem");
        File.WriteAllText(path, Certificate.Value.ExportCertificatePem());
        return path;
    });

    /// <summary>The server's base URL with the host name <c>localhost</c> (which the certificate names).</summary>
    public string Url => $"https://localhost:{Port}";

    public static Func<HttpContext, Task> Text(string body) => context => context.Response.WriteAsync(body);

    public static Func<HttpContext, Task> Redirect(string location) => context =>
    {
        context.Response.Redirect(location);
        return Task.CompletedTask;
    };

    private static X509Certificate2 SelfSigned()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        // Kestrel needs the key in a form it can hand to the TLS stack: round-trip through PKCS#12.
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), null);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
