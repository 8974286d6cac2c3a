using System.Text.Json;

namespace CacheCluster.Samples.Shop.Cart;

/// <summary>The cart, kept in the session (and so in the cluster, through IDistributedCache) as JSON.</summary>
internal sealed record ShoppingCart(IReadOnlyList<CartLine> Items)
{
    private const string SessionKey = "cart";

    public static readonly ShoppingCart Empty = new([]);

    public decimal Total => Items.Sum(line => line.UnitPrice * line.Quantity);

    /// <summary>Loads the session (asynchronously: without it the session reads with the blocking Get) and its cart.</summary>
    public static async Task<ShoppingCart> LoadAsync(ISession session, CancellationToken cancellationToken)
    {
        await session.LoadAsync(cancellationToken);
        var json = session.GetString(SessionKey);
        return json is null ? Empty : JsonSerializer.Deserialize<ShoppingCart>(json, JsonSerializerOptions.Web) ?? Empty;
    }

    public ShoppingCart Add(CartLine line)
    {
        var existing = Items.FirstOrDefault(item => item.ProductId == line.ProductId);
        return existing is null
            ? new ShoppingCart([.. Items, line])
            : new ShoppingCart([.. Items.Select(item => item == existing ? item with { Quantity = Math.Min(item.Quantity + line.Quantity, CartItem.MaxQuantity) } : item)]);
    }

    /// <summary>Stores the cart in the session; the session middleware commits it to the cluster at the end of the request.</summary>
    public void Save(ISession session)
    {
        if (Items.Count == 0)
        {
            session.Remove(SessionKey);
        }
        else
        {
            session.SetString(SessionKey, JsonSerializer.Serialize(this, JsonSerializerOptions.Web));
        }
    }
}
