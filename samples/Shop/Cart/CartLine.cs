namespace CacheCluster.Samples.Shop.Cart;

/// <summary>One line of a cart: a product, its price when it was added, and how many.</summary>
internal sealed record CartLine(int ProductId, string Name, decimal UnitPrice, int Quantity);
