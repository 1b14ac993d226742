using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.Features;

namespace Portal.Web.Features.Templates.PortalApi;

/// <summary>
/// Calls the portal's own API in-process, as <c>user</c>: the request runs through the same authentication,
/// authorization and endpoints as one from outside, so it may do exactly what that person may do through the API.
/// There is no socket and no host to choose; the answer is capped at <see cref="MaxResponseBytes"/>.
/// </summary>
public sealed class PortalApiClient(PortalPipeline pipeline, IHttpContextFactory contexts)
{
    public const int MaxResponseBytes = 1024 * 1024;
    public const int MaxRequestBytes = 256 * 1024;
    public static readonly TimeSpan MaxDuration = TimeSpan.FromSeconds(60);

    /// <exception cref="PortalApiException">The answer was too big or took too long.</exception>
    public async Task<PortalApiResponse> SendAsync(ClaimsPrincipal user, PortalApiRequest request, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (request.Body is { Length: > MaxRequestBytes })
        {
            throw new PortalApiException($"the request body is larger than {MaxRequestBytes / 1024} KiB.");
        }
        IHeaderDictionary headers = new HeaderDictionary();
        foreach (var (name, value) in request.Headers)
        {
            headers.Append(name, value);
        }
        headers.Host = "localhost";
        if (request.ContentType is not null)
        {
            headers.ContentType = request.ContentType;
        }
        if (request.Body is not null)
        {
            headers.ContentLength = request.Body.Length;
        }
        var features = new FeatureCollection();
        features.Set<IHttpRequestFeature>(new HttpRequestFeature
        {
            Method = request.Method, Scheme = "http", Protocol = "HTTP/1.1", PathBase = "", Path = request.Path,
            QueryString = request.Query.Length > 0 ? "?" + request.Query : "", RawTarget = request.Path, Headers = headers,
            Body = request.Body is null ? Stream.Null : new MemoryStream(request.Body, writable: false),
        });
        var buffer = new CappedBuffer(MaxResponseBytes);
        var response = new HttpResponseFeature();
        features.Set<IHttpResponseFeature>(response);
        features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(buffer));
        features.Set<IHttpConnectionFeature>(new HttpConnectionFeature
        {
            ConnectionId = "portal-api-" + Guid.NewGuid().ToString("N"), RemoteIpAddress = IPAddress.Loopback, LocalIpAddress = IPAddress.Loopback,
        });
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout < MaxDuration ? timeout : MaxDuration);
        features.Set<IHttpRequestLifetimeFeature>(new HttpRequestLifetimeFeature { RequestAborted = deadline.Token });
        features.Set<IHttpRequestIdentifierFeature>(new HttpRequestIdentifierFeature());
        var context = contexts.Create(features);
        try
        {
            context.User = user;
            await pipeline.Pipeline(context);
            await context.Response.CompleteAsync();
        }
        catch (CappedBuffer.FullException)
        {
            throw new PortalApiException($"the answer of {request.Method} {request.Path} is larger than {MaxResponseBytes / 1024 / 1024} MiB.");
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new PortalApiException($"{request.Method} {request.Path} took longer than {(int)(timeout < MaxDuration ? timeout : MaxDuration).TotalSeconds} s.");
        }
        finally
        {
            contexts.Dispose(context);
        }
        var answered = response.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        return new PortalApiResponse(response.StatusCode, answered, buffer.ToArray(), response.Headers.ContentType.ToString() is { Length: > 0 } type ? type : null);
    }

    /// <summary>A memory stream that refuses to grow past its cap (the API's answer is held whole).</summary>
    private sealed class CappedBuffer(int cap) : MemoryStream
    {
        public sealed class FullException : Exception;

        public override void Write(byte[] buffer, int offset, int count)
        {
            Check(count);
            base.Write(buffer, offset, count);
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            Check(buffer.Length);
            base.Write(buffer);
        }

        public override void WriteByte(byte value)
        {
            Check(1);
            base.WriteByte(value);
        }

        private void Check(int count)
        {
            if (Length + count > cap)
            {
                throw new FullException();
            }
        }
    }
}
