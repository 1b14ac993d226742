using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Portal.Web.Infrastructure.Web;

/// <summary>
/// The answer when a person reached a per-person limit (template runs at once, incidents declared an hour): 429 with
/// <c>Retry-After</c>, and a problem whose <c>setting</c> names the configuration key an admin changes to raise it.
/// </summary>
public static class LimitReached
{
    public static ProblemHttpResult Problem(HttpContext http, int retryAfterSeconds, string title, string message, string setting,
        IEnumerable<KeyValuePair<string, object?>> counts)
    {
        http.Response.Headers.RetryAfter = retryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        var extensions = new Dictionary<string, object?>(counts) { ["setting"] = setting };
        return TypedResults.Problem(message, statusCode: StatusCodes.Status429TooManyRequests, title: title, extensions: extensions);
    }
}
