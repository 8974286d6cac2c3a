using CacheCluster.Samples.Shop.Cart;

namespace CacheCluster.Samples.Shop.Checkout;

/// <summary>The answer to <c>POST /checkout</c>: the order placed from the cart.</summary>
internal sealed record Order(string OrderId, IReadOnlyList<CartLine> Items, decimal Total);
