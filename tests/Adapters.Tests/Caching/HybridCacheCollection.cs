namespace CacheCluster.Tests.Caching;

/// <summary>The HybridCache tests share one two-silo in-memory cluster; each test uses fresh keys and tags.</summary>
[CollectionDefinition(Name)]
public sealed class HybridCacheCollection : ICollectionFixture<HybridCacheClusterFixture>
{
    public const string Name = "hybrid cache cluster";
}
