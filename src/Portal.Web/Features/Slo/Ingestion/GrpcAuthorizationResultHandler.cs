using Grpc.AspNetCore.Server;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace Portal.Web.Features.Slo.Ingestion;

/// <summary>
/// A refused gRPC call gets a gRPC status, as gRPC clients read it: UNAUTHENTICATED without a valid token,
/// PERMISSION_DENIED with one that may not call the method. The default handler would challenge the request's scheme,
/// which for a call without a token is the cookie's: a 302 to the sign-in page, which gRPC clients report as an
/// unexplained error. Every other request is left to the default handler.
/// </summary>
public sealed class GrpcAuthorizationResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if ((authorizeResult.Challenged || authorizeResult.Forbidden) && context.GetEndpoint()?.Metadata.GetMetadata<GrpcMethodMetadata>() is not null)
        {
            var (status, message) = authorizeResult.Challenged
                ? (StatusCode.Unauthenticated, "An API token with the slo:ingest scope is required (Authorization: Bearer <token>).")
                : (StatusCode.PermissionDenied, "This token may not send metrics: it needs the slo:ingest scope.");
            // A trailers-only response: HTTP 200 with the status in the headers, as gRPC servers answer a call they refuse.
            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentType = "application/grpc";
            context.Response.Headers["grpc-status"] = ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture);
            context.Response.Headers["grpc-message"] = message;
            return Task.CompletedTask;
        }
        return _default.HandleAsync(next, context, policy, authorizeResult);
    }
}
