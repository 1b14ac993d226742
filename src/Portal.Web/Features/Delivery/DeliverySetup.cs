namespace Portal.Web.Features.Delivery;

public static class DeliverySetup
{
    public static WebApplicationBuilder AddDelivery(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<DeliveryOptions>().BindConfiguration(DeliveryOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        return builder;
    }

    public static void MapDelivery(this WebApplication app) => app.MapDeliveryEndpoints();
}
