namespace CacheCluster.Samples.Shop.Cart;

/// <summary>The body of <c>POST /cart/items</c>.</summary>
internal sealed record CartItem(int ProductId, int Quantity = 1)
{
    public const int MaxQuantity = 99;
}
