namespace Portal.Web.Features.Identity;

public static class SecurityHeaders
{
    /// <summary>
    /// A CSP that Blazor Server and MudBlazor work with: scripts only from the portal itself (no
    /// inline script), inline styles allowed (MudBlazor sets style attributes), the circuit's
    /// WebSocket on the same origin, and no framing.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'";

    public static void UseSecurityHeaders(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
            headers.XFrameOptions = "DENY";
            // The Hangfire dashboard ships inline scripts; it is admin-only and keeps its own page rules.
            if (!context.Request.Path.StartsWithSegments("/hangfire", StringComparison.OrdinalIgnoreCase))
            {
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
            }
            else
            {
                headers.ContentSecurityPolicy = "frame-ancestors 'none'";
            }
            return next(context);
        });
    }
}
