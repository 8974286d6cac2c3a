using CacheCluster.Caching.Distributed;
using CacheCluster.Tests.Fixtures;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;

namespace CacheCluster.Tests.Caching;

/// <summary>
/// Microsoft's own HybridCache (Microsoft.Extensions.Caching.Hybrid's <c>AddHybridCache()</c>) with CacheCluster as its
/// L2, in two application hosts: each has its own L1 and shares values through the cluster's buffer path.
/// </summary>
[Collection(DistributedCacheCollection.Name)]
public sealed class DistributedHybridCacheL2Tests(DistributedCacheClusterFixture fixture) : IAsyncLifetime
{
    private DistributedTestHost _a = null!;
    private DistributedTestHost _b = null!;

    public async Task InitializeAsync()
    {
        _a = await fixture.StartHostAsync(AddCountedHybridCache);
        _b = await fixture.StartHostAsync(AddCountedHybridCache);
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
    }

    [Fact]
    public async Task MicrosoftHybridCache_ValueComputedOnInstanceA_IsReadByInstanceBThroughTheBufferPath()
    {
        var key = CacheTestCluster.NewKey("hc");
        var (hybridA, countA) = Resolve(_a);
        var (hybridB, countB) = Resolve(_b);
        var written = countA.Written(key);
        var factoryRunsOnB = 0;

        var fromA = await hybridA.GetOrCreateAsync(key, _ => ValueTask.FromResult("computed on A"));
        await written.WaitAsync(TimeSpan.FromSeconds(10));
        var fromB = await hybridB.GetOrCreateAsync(key, _ =>
        {
            factoryRunsOnB++;
            return ValueTask.FromResult("computed on B");
        });

        Assert.Equal("computed on A", fromA);
        Assert.Equal("computed on A", fromB);
        Assert.Equal(0, factoryRunsOnB);
        Assert.Equal(1, countA.Calls("SetSequenceAsync", key));
        Assert.Equal(1, countB.Calls(nameof(IBufferDistributedCache.TryGetAsync), key));
        foreach (var arrayMethod in new[] { "SetArrayAsync", "SetArray", nameof(IDistributedCache.GetAsync), nameof(IDistributedCache.Get) })
        {
            Assert.Equal(0, countA.Calls(arrayMethod, key) + countB.Calls(arrayMethod, key));
        }

        // The cluster holds the entry HybridCache wrote, with the expiry it asked for (its default: 5 minutes).
        var stored = await fixture.Cache.TryGetBytesAsync(key);
        Assert.Equal(fixture.Clock.GetUtcNow().AddMinutes(5), stored.ExpiresAt);
    }

    [Fact]
    public async Task MicrosoftHybridCache_RemoveOnInstanceA_MakesInstanceBComputeAgain()
    {
        var key = CacheTestCluster.NewKey("hc");
        var (hybridA, countA) = Resolve(_a);
        var (hybridB, _) = Resolve(_b);
        var written = countA.Written(key);
        await hybridA.SetAsync(key, "first");
        await written.WaitAsync(TimeSpan.FromSeconds(10));

        await hybridA.RemoveAsync(key);
        var fromB = await hybridB.GetOrCreateAsync(key, _ => ValueTask.FromResult("recomputed on B"));

        Assert.Equal("recomputed on B", fromB);
        Assert.Equal(1, countA.Calls(nameof(IDistributedCache.RemoveAsync), key));
    }

    private static void AddCountedHybridCache(IServiceCollection services)
    {
        services.AddHybridCache();

        // The one IDistributedCache that AddCacheClusterDistributedCache registered, counted on its way to HybridCache.
        services.AddSingleton(sp => new DistributedCallCounter(sp.GetRequiredService<CacheClusterDistributedCache>()));
        services.AddSingleton<IDistributedCache>(sp => sp.GetRequiredService<DistributedCallCounter>());
    }

    private static (HybridCache Hybrid, DistributedCallCounter Counter) Resolve(DistributedTestHost host) =>
        (host.Services.GetRequiredService<HybridCache>(), host.Services.GetRequiredService<DistributedCallCounter>());
}
