using MudBlazor.Services;
using Portal.Web.Components;

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
        builder.Services.AddOpenApi(o => o.AddOperationTransformer((operation, context, _) =>
        {
            // Readers of the document (and the /api-docs page) see what access each operation needs.
            var policies = context.Description.ActionDescriptor.EndpointMetadata.OfType<Microsoft.AspNetCore.Authorization.IAuthorizeData>()
                .Select(a => a.Policy ?? "signed in").Distinct().ToList();
            if (policies.Count > 0)
            {
                operation.Description = $"{operation.Description}{(string.IsNullOrEmpty(operation.Description) ? "" : "\n\n")}Access: {string.Join(", ", policies)}.";
            }
            return Task.CompletedTask;
        }));
        builder.Services.AddProblemDetails();
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
    }

    public static void MapUi(this WebApplication app)
    {
        // Styles and scripts are public (the sign-in page needs them); every page requires a signed-in
        // person unless it says [AllowAnonymous], and admin pages name the admin policy.
        app.MapStaticAssets().AllowAnonymous();
        // The API description for tools and clients; people read it rendered at /api-docs.
        app.MapOpenApi().RequireAuthorization();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode().RequireAuthorization();
    }
}
