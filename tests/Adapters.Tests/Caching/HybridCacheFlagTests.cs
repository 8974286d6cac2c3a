using System.Text;
using CacheCluster.Tests.Fixtures;
using Microsoft.Extensions.Caching.Hybrid;

namespace CacheCluster.Tests.Caching;

/// <summary>Every <see cref="HybridCacheEntryFlags"/> value, each on its own: what is read, what runs, what is stored.</summary>
[Collection(HybridCacheCollection.Name)]
public sealed class HybridCacheFlagTests(HybridCacheClusterFixture fixture)
{
    private readonly CacheTestCluster _cluster = fixture.Cluster;

    private static HybridCacheEntryOptions With(HybridCacheEntryFlags flags) => new() { Flags = flags };

    [Fact]
    public async Task None_RunsTheFactoryOnce_ThenAnswersNearOnThisNodeAndFromTheClusterOnAnother()
    {
        using var a = HybridCacheNode.Start(_cluster);
        using var b = HybridCacheNode.Start(_cluster);
        using var metrics = HybridCacheMetrics.RecordSilos(_cluster);
        var key = CacheTestCluster.NewKey("flags");
        var factory = new CountingFactory(run => $"v{run}");

        Assert.Equal("v1", await a.Cache.GetOrCreateAsync(key, factory.RunAsync, With(HybridCacheEntryFlags.None)));
        Assert.True(a.HoldsNear(key));
        var hits = metrics["cachecluster.entry.hits"];

        // This node answers from its near copy (no cluster read); the other reads the cluster once and keeps a copy.
        Assert.Equal("v1", await a.Cache.GetOrCreateAsync(key, factory.RunAsync, With(HybridCacheEntryFlags.None)));
        Assert.Equal(hits, metrics["cachecluster.entry.hits"]);
        Assert.Equal("v1", await b.Cache.GetOrCreateAsync(key, factory.RunAsync, With(HybridCacheEntryFlags.None)));
        Assert.Equal(hits + 1, metrics["cachecluster.entry.hits"]);
        Assert.True(b.HoldsNear(key));

        Assert.Equal(1, factory.Runs);
        Assert.Equal("v1", (await _cluster.Cache.TryGetAsync<string>(key)).Value);
    }

    [Fact]
    public async Task DisableLocalCacheRead_AsksTheClusterEveryTime_WithoutRunningTheFactory()
    {
        using var node = HybridCacheNode.Start(_cluster);
        using var metrics = HybridCacheMetrics.RecordSilos(_cluster);
        var key = CacheTestCluster.NewKey("flags");
        var factory = new CountingFactory(run => $"v{run}");
        await node.Cache.GetOrCreateAsync(key, factory.RunAsync);
        Assert.True(node.HoldsNear(key));
        var hits = metrics["cachecluster.entry.hits"];

        Assert.Equal("v1", await node.Cache.GetOrCreateAsync(key, factory.RunAsync, With(HybridCacheEntryFlags.DisableLocalCacheRead)));
        Assert.Equal("v1", await node.Cache.GetOrCreateAsync(key, factory.RunAsync, With(HybridCacheEntryFlags.DisableLocalCacheRead)));

        Assert.Equal(hits + 2, metrics["cachecluster.entry.hits"]);
        Assert.Equal(1, factory.Runs);
    }

    [Fact]
    public async Task DisableLocalCacheWrite_KeepsNoNearCopy()
    {
        using var node = HybridCacheNode.Start(_cluster);
        var key = CacheTestCluster.NewKey("flags");
        var factory = new CountingFactory(run => $"v{run}");

        Assert.Equal("v1", await node.Cache.GetOrCreateAsync(key, factory.RunAsync, With(HybridCacheEntryFlags.DisableLocalCacheWrite)));
        Assert.False(node.HoldsNear(key));
        await node.Cache.SetAsync(key, "v2", With(HybridCacheEntryFlags.DisableLocalCacheWrite));
        Assert.False(node.HoldsNear(key));

        Assert.Equal("v2", await node.Cache.GetOrCreateAsync(key, factory.RunAsync));
        Assert.True(node.HoldsNear(key));
        Assert.Equal(1, factory.Runs);
    }

    [Fact]
    public async Task DisableLocalCache_NeitherReadsNorKeepsANearCopy()
    {
        using var node = HybridCacheNode.Start(_cluster);
        using var metrics = HybridCacheMetrics.RecordSilos(_cluster);
        var key = CacheTestCluster.NewKey("flags");
        var factory = new CountingFactory(run => $"v{run}");
        await node.Cache.GetOrCreateAsync(key, factory.RunAsync);
        var hits = metrics["cachecluster.entry.hits"];

        Assert.Equal("v1", await node.Cache.GetOrCreateAsync(key, factory.RunAsync, With(HybridCacheEntryFlags.DisableLocalCache)));
        Assert.Equal(hits + 1, metrics["cachecluster.entry.hits"]);

        var other = CacheTestCluster.NewKey("flags");
        Assert.Equal("v2", await node.Cache.GetOrCreateAsync(other, factory.RunAsync, With(HybridCacheEntryFlags.DisableLocalCache)));
        Assert.False(node.HoldsNear(other));
        Assert.Equal("v2", (await _cluster.Cache.TryGetAsync<string>(other)).Value);
    }

    [Fact]
    public async Task DisableDistributedCacheRead_RunsTheFactory_AndStoresItsValue()
    {
        using var node = HybridCacheNode.Start(_cluster);
        var key = CacheTestCluster.NewKey("flags");
        await node.Cache.SetAsync(key, "old", With(HybridCacheEntryFlags.DisableLocalCacheWrite));
        var factory = new CountingFactory(run => $"new{run}");

        Assert.Equal("new1", await node.Cache.GetOrCreateAsync(key, factory.RunAsync, With(HybridCacheEntryFlags.DisableDistributedCacheRead)));

        Assert.Equal("new1", (await _cluster.Cache.TryGetAsync<string>(key)).Value);
        Assert.Equal("new1", await node.Cache.GetOrCreateAsync(key, factory.RunAsync));
        Assert.Equal(1, factory.Runs);
    }

    [Fact]
    public async Task DisableDistributedCacheWrite_KeepsTheValueOnThisNodeOnly()
    {
        using var a = HybridCacheNode.Start(_cluster);
        using var b = HybridCacheNode.Start(_cluster);
        var key = CacheTestCluster.NewKey("flags");
        var factory = new CountingFactory(run => $"v{run}");

        Assert.Equal("v1", await a.Cache.GetOrCreateAsync(key, factory.RunAsync, With(HybridCacheEntryFlags.DisableDistributedCacheWrite)));

        Assert.False(await _cluster.Cache.ExistsAsync(key));
        Assert.Equal("v1", await a.Cache.GetOrCreateAsync(key, factory.RunAsync, With(HybridCacheEntryFlags.DisableDistributedCacheWrite)));
        Assert.Equal(1, factory.Runs);
        Assert.Equal("v2", await b.Cache.GetOrCreateAsync(key, factory.RunAsync, With(HybridCacheEntryFlags.DisableDistributedCacheWrite)));
        Assert.Equal(2, factory.Runs);
    }

    [Fact]
    public async Task DisableDistributedCache_IgnoresTheClusterBothWays()
    {
        using var node = HybridCacheNode.Start(_cluster);
        var key = CacheTestCluster.NewKey("flags");
        await _cluster.Cache.SetAsync(key, "in the cluster");
        var factory = new CountingFactory(run => $"v{run}");

        Assert.Equal("v1", await node.Cache.GetOrCreateAsync(key, factory.RunAsync, With(HybridCacheEntryFlags.DisableDistributedCache)));

        Assert.Equal("in the cluster", (await _cluster.Cache.TryGetAsync<string>(key)).Value);
        Assert.Equal(1, factory.Runs);
    }

    [Fact]
    public async Task DisableUnderlyingData_NeverRunsTheFactory()
    {
        using var node = HybridCacheNode.Start(_cluster);
        var missing = CacheTestCluster.NewKey("flags");
        var present = CacheTestCluster.NewKey("flags");
        await _cluster.Cache.SetAsync(present, "stored");
        var factory = new CountingFactory(run => $"v{run}");

        Assert.Null(await node.Cache.GetOrCreateAsync(missing, factory.RunAsync, With(HybridCacheEntryFlags.DisableUnderlyingData)));
        Assert.Equal("stored", await node.Cache.GetOrCreateAsync(present, factory.RunAsync, With(HybridCacheEntryFlags.DisableUnderlyingData)));

        Assert.Equal(0, factory.Runs);
        Assert.False(await _cluster.Cache.ExistsAsync(missing));
    }

    [Fact]
    public async Task DisableCompression_IsAcceptedAndIgnored_ValuesAreStoredAsTheyAre()
    {
        using var node = HybridCacheNode.Start(_cluster);
        var key = CacheTestCluster.NewKey("flags");
        var text = new string('a', 4096);

        Assert.Equal(text, await node.Cache.GetOrCreateAsync(key, _ => ValueTask.FromResult(text), With(HybridCacheEntryFlags.DisableCompression)));

        var stored = await _cluster.Cache.TryGetBytesAsync(key);
        Assert.Equal(Encoding.UTF8.GetBytes(text), stored.Value!.Data);
    }
}
