using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Portal.Web.Features.Identity;

namespace Portal.Web.Infrastructure.OpenApi;

/// <summary>Declares how callers authenticate: a portal API token (bearer) for clients, the session cookie for the portal's own pages.</summary>
public sealed class SecuritySchemesTransformer : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>(StringComparer.Ordinal);
        document.Components.SecuritySchemes[ApiAccess.Bearer] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "ptk_…",
            Description = "A portal API token (`Authorization: Bearer ptk_…`), made on the API tokens page or with `POST /api/identity/tokens`. "
                + $"An operation lists the scopes it needs: {string.Join(", ", PortalScopes.All.Select(s => $"`{s}`"))}; `admin` satisfies every scope. "
                + "A personal token acts as its person (their teams and roles), limited to its scopes.",
        };
        document.Components.SecuritySchemes[ApiAccess.Cookie] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Cookie,
            Name = "portal.auth",
            Description = "The signed-in session of the portal's own pages (a person has every scope). Changes made with the cookie must come "
                + "from the portal's pages (`Sec-Fetch-Site: same-origin`, a trusted `Origin`, or an antiforgery token); automation uses a token.",
        };
        return Task.CompletedTask;
    }
}
