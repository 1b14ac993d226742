using Microsoft.AspNetCore.Mvc;

namespace Portal.Web.Infrastructure.Hosting;

/// <summary>
/// Every error answer of <c>/api</c> carries an RFC 9457 problem body, including the ones nothing wrote a body for:
/// the token handler's 401, the authorization 403, a lookup's 404, routing's 405 and 415, the rate limiter's 429.
/// A client then reads one shape for every error (the document promises it), and a person reading a log line sees
/// what went wrong. Bodies a handler wrote itself are left as they are.
/// </summary>
public static class ApiProblemBodies
{
    public static void UseApiProblemBodies(this WebApplication app) => app.Use(async (context, next) =>
    {
        await next(context);
        var response = context.Response;
        if (response.StatusCode < 400 || response.HasStarted || response.ContentLength is not null || response.ContentType is not null
            || !context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase) || HttpMethods.IsHead(context.Request.Method))
        {
            return;
        }
        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails { Status = response.StatusCode, Detail = Detail(response.StatusCode, context.Request.Method) },
        });
    });

    /// <summary>What the caller can do about it, by status (the title comes from the status itself).</summary>
    public static string? Detail(int status, string method) => status switch
    {
        StatusCodes.Status400BadRequest => "The request could not be read: send JSON of the documented shape, and parameters of their documented types.",
        StatusCodes.Status401Unauthorized => "No valid credentials: sign in, or send an API token as `Authorization: Bearer ptk_…`.",
        StatusCodes.Status403Forbidden => "You are signed in, but your roles, teams or the token's scopes do not allow this.",
        StatusCodes.Status404NotFound => "Nothing was found at this address.",
        StatusCodes.Status405MethodNotAllowed => $"This address does not take {method}.",
        StatusCodes.Status413PayloadTooLarge => "The request body is larger than this operation accepts.",
        StatusCodes.Status415UnsupportedMediaType => "This operation does not take the request's content type; see the API reference for the one it takes.",
        StatusCodes.Status429TooManyRequests => "Too many requests in a short time: wait a little and try again.",
        _ => null,
    };
}
