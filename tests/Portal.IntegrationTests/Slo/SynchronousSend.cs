namespace Portal.IntegrationTests.Slo;

/// <summary>
/// The SDK's exporter sends with the synchronous HttpClient.Send, which the in-memory TestServer refuses; this
/// handler runs the asynchronous send for it (the request still goes through the real pipeline).
/// </summary>
internal sealed class SynchronousSend(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken) =>
        SendAsync(request, cancellationToken).GetAwaiter().GetResult();
}
