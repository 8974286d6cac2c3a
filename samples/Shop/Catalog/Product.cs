namespace CacheCluster.Samples.Shop.Catalog;

/// <summary>A product of the catalogue, as the API returns it and HybridCache stores it.</summary>
internal sealed record Product(int Id, string Name, decimal Price);
