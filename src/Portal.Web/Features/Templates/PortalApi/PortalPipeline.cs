namespace Portal.Web.Features.Templates.PortalApi;

/// <summary>
/// The portal's own request pipeline (authentication, authorization, endpoints), captured at start-up so a template can
/// call the portal's API in-process: no socket, no host name, nothing a template could point elsewhere.
/// </summary>
public sealed class PortalPipeline
{
    private RequestDelegate? pipeline;

    public RequestDelegate Pipeline => pipeline ?? throw new InvalidOperationException("The portal's request pipeline is not built yet.");

    /// <summary>Puts the capture first, so the captured delegate is everything the app runs for a request.</summary>
    internal sealed class Capture(PortalPipeline holder) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(rest =>
            {
                holder.pipeline = rest;
                return rest;
            });
            next(app);
        };
    }
}
