using Microsoft.AspNetCore.Antiforgery;
using Microsoft.Extensions.Options;
using Portal.Web.Data;

namespace Portal.Web.Features.Identity;

/// <summary>
/// Refuses state-changing requests that a session cookie authenticates unless they come from the
/// portal's own pages (<see cref="CrossOriginRule"/>) or carry a valid antiforgery token: with an
/// admin's or approver's session, a page on another origin could otherwise disable users or approve
/// environments. Token (bearer) requests, which a browser never adds by itself, are not affected.
/// </summary>
public static class CrossOriginGuard
{
    public const string AuditAction = "identity.request.cross-origin";

    public static void UseCrossOriginGuard(this WebApplication app) => app.Use(async (context, next) =>
    {
        if (!CrossOriginRule.ChangesState(context.Request.Method) || !IsCookieSession(context))
        {
            await next(context);
            return;
        }
        var request = context.Request;
        var (verdict, reason) = CrossOriginRule.Decide(request.Headers["Sec-Fetch-Site"].ToString(), request.Headers.Origin.ToString(),
            $"{request.Scheme}://{request.Host}", context.RequestServices.GetRequiredService<IOptionsMonitor<PortalIdentityOptions>>().CurrentValue.TrustedOrigins);
        if (verdict == CrossOriginVerdict.Allow
            || (verdict == CrossOriginVerdict.NeedsAntiforgeryToken && await HasValidAntiforgeryTokenAsync(context)))
        {
            await next(context);
            return;
        }
        var db = context.RequestServices.GetRequiredService<PortalDbContext>();
        var target = $"{request.Method} {request.Path}";
        await AuditLog.WriteAsync(db, AuditActor.From(context), AuditAction, target.Length > 400 ? target[..400] : target, "denied", context.RequestAborted);
        await Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Cross-origin request refused", detail: reason).ExecuteAsync(context);
    });

    /// <summary>A person's session: authenticated, and not by an API token (token principals carry their token id).</summary>
    private static bool IsCookieSession(HttpContext context) =>
        context.User.Identity?.IsAuthenticated == true && !context.User.HasClaim(c => c.Type == PortalClaims.TokenId);

    private static async Task<bool> HasValidAntiforgeryTokenAsync(HttpContext context)
    {
        try
        {
            return await context.RequestServices.GetRequiredService<IAntiforgery>().IsRequestValidAsync(context);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or BadHttpRequestException)
        {
            return false; // an unreadable form is no token
        }
    }
}
