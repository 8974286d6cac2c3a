using CacheCluster.Samples.Shop.Cart;
using CacheCluster.Samples.Shop.Hosting;
using Microsoft.Extensions.Options;

namespace CacheCluster.Samples.Shop.Checkout;

/// <summary><c>POST /checkout</c>: places an order from the cart, rate limited across every instance by the cluster.</summary>
internal static class CheckoutEndpoints
{
    public static IEndpointRouteBuilder MapCheckout(this IEndpointRouteBuilder app)
    {
        var policy = app.ServiceProvider.GetRequiredService<IOptions<ShopOptions>>().Value.CheckoutPolicy;
        app.MapPost("/checkout", async (HttpContext context, CancellationToken ct) =>
        {
            var cart = await ShoppingCart.LoadAsync(context.Session, ct);
            if (cart.Items.Count == 0)
            {
                return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The cart is empty.");
            }

            ShoppingCart.Empty.Save(context.Session);
            return Results.Ok(new Order(Guid.NewGuid().ToString("N"), cart.Items, cart.Total));
        }).WithMetadata(new ClusterRateLimited(policy));
        return app;
    }
}
