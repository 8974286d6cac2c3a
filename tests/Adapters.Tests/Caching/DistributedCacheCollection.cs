namespace CacheCluster.Tests.Caching;

[CollectionDefinition(Name)]
public sealed class DistributedCacheCollection : ICollectionFixture<DistributedCacheClusterFixture>
{
    public const string Name = "Distributed cache";
}
