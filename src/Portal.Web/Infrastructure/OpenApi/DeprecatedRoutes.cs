using System.Globalization;

namespace Portal.Web.Infrastructure.OpenApi;

/// <summary>Marks an old address kept for existing clients: when it was deprecated, when it goes, and where it moved.</summary>
public sealed record DeprecationNotice(DateTimeOffset DeprecatedAt, DateTimeOffset Sunset, string OldPrefix, string NewPrefix)
{
    /// <summary>The successor of a path under <see cref="OldPrefix"/>.</summary>
    public string SuccessorOf(string path) =>
        path.StartsWith(OldPrefix, StringComparison.OrdinalIgnoreCase) ? NewPrefix + path[OldPrefix.Length..] : NewPrefix;
}

/// <summary>
/// Old paths (aliases of moved routes) stay out of the OpenAPI document and answer with the headers that tell a client
/// to move: <c>Deprecation</c> (RFC 9745, the date it was deprecated), <c>Sunset</c> (RFC 8594, when it may stop
/// answering) and a <c>Link</c> to the successor. The policy is in docs/api.md.
/// </summary>
public static class DeprecatedRoutes
{
    /// <summary>A route group at <paramref name="oldPrefix"/> whose endpoints answer as deprecated aliases of <paramref name="newPrefix"/>.</summary>
    public static RouteGroupBuilder MapDeprecatedAlias(this IEndpointRouteBuilder app, string oldPrefix, string newPrefix, DateTimeOffset deprecatedAt,
        DateTimeOffset sunset)
    {
        var notice = new DeprecationNotice(deprecatedAt, sunset, oldPrefix, newPrefix);
        var group = app.MapGroup(oldPrefix);
        group.ExcludeFromDescription().WithMetadata(notice).AddEndpointFilter(async (context, next) =>
        {
            AddHeaders(context.HttpContext.Response.Headers, notice, context.HttpContext.Request.Path);
            return await next(context);
        });
        return group;
    }

    /// <summary>The three headers, written before the handler runs, so each of its answers (errors too) carries them.</summary>
    public static void AddHeaders(IHeaderDictionary headers, DeprecationNotice notice, string path)
    {
        headers["Deprecation"] = "@" + notice.DeprecatedAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        headers["Sunset"] = notice.Sunset.ToUniversalTime().ToString("r", CultureInfo.InvariantCulture);
        headers.Append("Link", $"<{notice.SuccessorOf(path)}>; rel=\"successor-version\"");
    }
}
