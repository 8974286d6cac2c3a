using Microsoft.Extensions.Caching.Hybrid;

namespace CacheCluster.Samples.Shop.Catalog;

/// <summary>
/// <c>GET /products</c> (output-cached, tag <c>products</c>), <c>GET /products/{id}</c> (HybridCache, tag
/// <c>product:{id}</c>) and <c>PUT /products/{id}</c>, which saves the change and publishes <c>product.updated</c>: the
/// silos' rule for that event removes the product's entry and the tagged list on every instance.
/// </summary>
internal static class ProductEndpoints
{
    /// <summary>The output-cache policy of the product list.</summary>
    public const string ListPolicy = "products";

    /// <summary>The tag of the output-cached product list.</summary>
    public const string ListTag = "products";

    /// <summary>The domain event published when a product changes.</summary>
    public const string UpdatedEvent = "product.updated";

    private static readonly HybridCacheEntryOptions ProductEntry = new()
    {
        Expiration = TimeSpan.FromMinutes(10),
        LocalCacheExpiration = TimeSpan.FromMinutes(1),
    };

    public static string ProductKey(int id) => $"product:{id}";

    /// <summary>
    /// Reads a product through HybridCache: one database read for the whole cluster while the entry lives (the
    /// cluster's GetOrSet), near copies on each instance, and the tag <c>product:{id}</c> for event rules to name.
    /// </summary>
    public static Task<Product?> GetProductAsync(HybridCache cache, ProductDatabase database, int id, CancellationToken cancellationToken) =>
        cache.GetOrCreateAsync(
            ProductKey(id),
            (database, id),
            static (state, token) => new ValueTask<Product?>(state.database.FindAsync(state.id, token)),
            ProductEntry,
            tags: [ProductKey(id)],
            cancellationToken: cancellationToken).AsTask();

    public static IEndpointRouteBuilder MapProducts(this IEndpointRouteBuilder app)
    {
        app.MapGet("/products", async (ProductDatabase database, CancellationToken ct) => Results.Ok(await database.ListAsync(ct)))
            .CacheOutput(ListPolicy);

        app.MapGet("/products/{id:int}", async (int id, HybridCache cache, ProductDatabase database, CancellationToken ct) =>
        {
            var product = await GetProductAsync(cache, database, id, ct);
            return product is null ? Results.NotFound() : Results.Ok(product);
        });

        app.MapPut("/products/{id:int}", async (int id, ProductChange change, ProductDatabase database, IClusterCache cluster, CancellationToken ct) =>
        {
            var errors = change.Validate();
            if (errors.Count > 0)
            {
                return Results.ValidationProblem(errors);
            }

            var product = await database.UpdateAsync(id, change.Name!, change.Price!.Value, ct);
            if (product is null)
            {
                return Results.NotFound();
            }

            // After the database: the silos' rule for the event removes product:{id} (HybridCache) and the tag
            // "products" (the output-cached list) on every instance, and every near copy with them.
            var receipt = await cluster.PublishAsync(DomainEvent.Create(UpdatedEvent, new { product_id = id }), ct);
            return Results.Ok(new ProductUpdated(product, $"{receipt.Partition}:{receipt.Sequence}"));
        });

        return app;
    }
}
