using MudBlazor.Services;
using Portal.Web.Components;
using Portal.Web.Infrastructure.OpenApi;

namespace Portal.Web.Infrastructure.Hosting;

public static class UiSetup
{
    public static WebApplicationBuilder AddUi(this WebApplicationBuilder builder)
    {
        // Serve package assets (MudBlazor) from the build output in every environment, not only
        // Development, so tests and local runs of a Release build look like production. A no-op
        // for published apps, whose wwwroot already holds them.
        builder.WebHost.UseStaticWebAssets();
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddMudServices();
        builder.Services.AddPortalOpenApi();
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = ProblemDetailsPrivacy.Customize);
        return builder;
    }

    public static void UseUi(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/Error", createScopeForErrors: true);
        }
        // Friendly HTML error pages for people browsing; API clients, form posts and the jobs dashboard keep their own responses.
        app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
        app.Use((context, next) =>
        {
            if (!HttpMethods.IsGet(context.Request.Method)
                || context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase)
                || context.Request.Path.StartsWithSegments("/hangfire", StringComparison.OrdinalIgnoreCase))
            {
                context.Features.Get<Microsoft.AspNetCore.Diagnostics.IStatusCodePagesFeature>()?.Enabled = false;
            }
            return next(context);
        });
        app.UseApiProblemBodies();
    }

    public static void MapUi(this WebApplication app)
    {
        // Styles and scripts are public (the sign-in page needs them); every page requires a signed-in
        // person unless it says [AllowAnonymous], and admin pages name the admin policy.
        app.MapStaticAssets().AllowAnonymous();
        // The API description for tools and clients; people read it rendered at /api-docs.
        app.MapPortalOpenApi();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode().RequireAuthorization();
    }
}
