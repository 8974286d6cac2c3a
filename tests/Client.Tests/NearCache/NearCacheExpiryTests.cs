using CacheCluster.Hosting;
using CacheCluster.Internal;
using CacheCluster.Tests.Fixtures;
using Microsoft.Extensions.Options;

namespace CacheCluster.Tests.NearCache;

/// <summary>Expire, Touch and Persist by another client reach a near cache holding the key, like any write.</summary>
[Collection(MemoryClusterCollection.Name)]
public sealed class NearCacheExpiryTests(MemoryClusterFixture fixture)
{
    private readonly CacheTestCluster _cluster = fixture.Cluster;

    private ClusterCache NewNearCache()
    {
        var options = new CacheClusterClientOptions();
        options.NearCache.Enabled = true;
        return new ClusterCache(_cluster.Client, Options.Create(options), _cluster.Clock);
    }

    private static Task NextInvalidation(ClusterCache cache, string key)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        cache.Near.Invalidated += k =>
        {
            if (k == key)
            {
                done.TrySetResult();
            }
        };
        return done.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task ExpireTouchAndPersist_ByAnotherClient_InvalidateTheNearCopy_WhichThenReadsTheNewExpiry()
    {
        var near = NewNearCache();
        var key = CacheTestCluster.NewKey("near");
        await _cluster.Cache.SetAsync(key, "v", new CacheEntryOptions { SlidingExpiration = TimeSpan.FromSeconds(60) });
        Assert.True((await near.TryGetBytesAsync(key)).Found);

        var told = NextInvalidation(near, key);
        Assert.True(await _cluster.Cache.ExpireAsync(key, TimeSpan.FromSeconds(300)));
        await told;
        Assert.Equal(_cluster.Clock.GetUtcNow() + TimeSpan.FromSeconds(300), (await near.TryGetBytesAsync(key)).ExpiresAt);

        told = NextInvalidation(near, key);
        Assert.True(await _cluster.Cache.PersistAsync(key));
        await told;
        Assert.Null((await near.TryGetBytesAsync(key)).ExpiresAt);

        told = NextInvalidation(near, key);
        await _cluster.Cache.SetAsync(key, "v", new CacheEntryOptions { SlidingExpiration = TimeSpan.FromSeconds(60) });
        await told;
        Assert.True((await near.TryGetBytesAsync(key)).Found);
        _cluster.Clock.Advance(TimeSpan.FromSeconds(10));
        told = NextInvalidation(near, key);
        Assert.True(await _cluster.Cache.TouchAsync(key));
        await told;
        Assert.Equal(_cluster.Clock.GetUtcNow() + TimeSpan.FromSeconds(60), (await near.TryGetBytesAsync(key)).ExpiresAt);
    }
}
