using CacheCluster.Tests.Fixtures;

namespace CacheCluster.Tests.Caching;

/// <summary>A two-silo in-memory cluster on a fake cache clock.</summary>
public sealed class HybridCacheClusterFixture : IAsyncLifetime
{
    public CacheTestCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync() => Cluster = await CacheTestCluster.StartAsync(silos: 2);

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}
