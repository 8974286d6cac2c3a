namespace CacheCluster.Samples.Shop.Catalog;

/// <summary>The answer to <c>PUT /products/{id}</c>: the saved product and where its event sits in the stream.</summary>
/// <param name="Product">The product as saved.</param>
/// <param name="Event">The published <c>product.updated</c> event's <c>partition:sequence</c>.</param>
internal sealed record ProductUpdated(Product Product, string Event);
