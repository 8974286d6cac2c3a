using CacheCluster.Tests.Fixtures;

namespace CacheCluster.Tests.Caching;

/// <summary>The HybridCache tests share one two-silo in-memory cluster; each test uses fresh keys and tags.</summary>
[CollectionDefinition(Name)]
public sealed class HybridCacheCollection : ICollectionFixture<HybridCacheClusterFixture>
{
    public const string Name = "hybrid cache cluster";
}

/// <summary>A two-silo in-memory cluster on a fake cache clock.</summary>
public sealed class HybridCacheClusterFixture : IAsyncLifetime
{
    public CacheTestCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync() => Cluster = await CacheTestCluster.StartAsync(silos: 2);

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}
