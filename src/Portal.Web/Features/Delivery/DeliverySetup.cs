using Portal.Web.Features.Catalog;
using Portal.Web.Features.Delivery.Pages;
using Portal.Web.Infrastructure.Extensions;

namespace Portal.Web.Features.Delivery;

public static class DeliverySetup
{
    public static WebApplicationBuilder AddDelivery(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<DeliveryOptions>().BindConfiguration(DeliveryOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton(new EntityTab("Delivery", "delivery", new HashSet<string> { CatalogKinds.Component }, typeof(ComponentDelivery), 25));
        return builder;
    }

    public static void MapDelivery(this WebApplication app) => app.MapDeliveryEndpoints();
}
