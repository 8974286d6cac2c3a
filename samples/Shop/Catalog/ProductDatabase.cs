using System.Collections.Frozen;
using CacheCluster.Samples.Shop.Hosting;
using Microsoft.Extensions.Options;

namespace CacheCluster.Samples.Shop.Catalog;

/// <summary>
/// The shop's stand-in database: a fixed catalogue held in memory, whose changes are kept in the cluster under
/// <c>shopdb:product:{id}</c> (no expiry, no tags, read past the near cache) so that every instance of the shop sees
/// the same data, as it would with a real database. Every read waits <see cref="ShopOptions.DatabaseLatency"/>, so a
/// read the caches answer is visibly faster than one that reaches this class.
/// </summary>
internal sealed class ProductDatabase(IClusterCache cluster, IOptions<ShopOptions> options, TimeProvider clock)
{
    private const string KeyPrefix = "shopdb:product:";

    private static readonly FrozenDictionary<int, Product> Seed = new Product[]
    {
        new(1, "Espresso beans, 1 kg", 24.90m),
        new(2, "Burr grinder", 129.00m),
        new(3, "Milk jug, 600 ml", 17.50m),
        new(4, "Tamper, 58 mm", 32.00m),
        new(5, "Cleaning tablets (100)", 11.90m),
    }.ToFrozenDictionary(p => p.Id);

    private static readonly CacheReadOptions PastNearCache = new() { UseNearCache = false };

    private long _productReads;
    private long _listReads;

    /// <summary>Gets how many single-product reads reached this instance's database.</summary>
    public long ProductReads => Interlocked.Read(ref _productReads);

    /// <summary>Gets how many whole-list reads reached this instance's database.</summary>
    public long ListReads => Interlocked.Read(ref _listReads);

    /// <summary>Reads one product, or <see langword="null"/> when there is none with that id.</summary>
    public async Task<Product?> FindAsync(int id, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _productReads);
        await Task.Delay(options.Value.DatabaseLatency, clock, cancellationToken);
        return await ReadAsync(id, cancellationToken);
    }

    /// <summary>Reads every product, by id.</summary>
    public async Task<IReadOnlyList<Product>> ListAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _listReads);
        await Task.Delay(options.Value.DatabaseLatency, clock, cancellationToken);
        var products = await Task.WhenAll(Seed.Keys.Order().Select(id => ReadAsync(id, cancellationToken)));
        return [.. products.OfType<Product>()];
    }

    /// <summary>Changes a product's name and price; returns the new product, or <see langword="null"/> when there is none.</summary>
    public async Task<Product?> UpdateAsync(int id, string name, decimal price, CancellationToken cancellationToken)
    {
        if (!Seed.ContainsKey(id))
        {
            return null;
        }

        await Task.Delay(options.Value.DatabaseLatency, clock, cancellationToken);
        var product = new Product(id, name, price);
        await cluster.SetAsync(KeyPrefix + id, product, new CacheEntryOptions(), cancellationToken: cancellationToken);
        return product;
    }

    private async Task<Product?> ReadAsync(int id, CancellationToken cancellationToken)
    {
        if (!Seed.TryGetValue(id, out var seeded))
        {
            return null;
        }

        var changed = await cluster.TryGetAsync<Product>(KeyPrefix + id, PastNearCache, cancellationToken);
        return changed.Found ? changed.Value : seeded;
    }
}
