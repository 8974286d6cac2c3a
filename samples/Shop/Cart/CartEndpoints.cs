using CacheCluster.Samples.Shop.Catalog;
using Microsoft.Extensions.Caching.Hybrid;

namespace CacheCluster.Samples.Shop.Cart;

/// <summary><c>POST /cart/items</c> and <c>GET /cart</c>: a cart in the session, which every instance can read.</summary>
internal static class CartEndpoints
{
    public static IEndpointRouteBuilder MapCart(this IEndpointRouteBuilder app)
    {
        app.MapPost("/cart/items", async (CartItem item, HttpContext context, HybridCache cache, ProductDatabase database, CancellationToken ct) =>
        {
            if (item.Quantity is < 1 or > CartItem.MaxQuantity)
            {
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["quantity"] = [$"A quantity from 1 to {CartItem.MaxQuantity} is required."] });
            }

            var product = await ProductEndpoints.GetProductAsync(cache, database, item.ProductId, ct);
            if (product is null)
            {
                return Results.NotFound();
            }

            var cart = (await ShoppingCart.LoadAsync(context.Session, ct)).Add(new CartLine(product.Id, product.Name, product.Price, item.Quantity));
            cart.Save(context.Session);
            return Results.Ok(cart);
        });

        app.MapGet("/cart", async (HttpContext context, CancellationToken ct) => Results.Ok(await ShoppingCart.LoadAsync(context.Session, ct)));
        return app;
    }
}
