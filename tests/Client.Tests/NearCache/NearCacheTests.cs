using System.Diagnostics.Metrics;
using CacheCluster.Hosting;
using CacheCluster.Internal;
using CacheCluster.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CacheCluster.Tests.NearCache;

/// <summary>
/// The client near cache with per-key tracking: hits stay local, a change elsewhere reaches exactly the clients that
/// hold the key, once; bounds, the TTL safety net and read-your-writes. A cluster of its own, for exact counters.
/// </summary>
public sealed class NearCacheTests : IAsyncLifetime
{
    private CacheTestCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await CacheTestCluster.StartAsync(silos: 2);

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private ClusterCache NewCache(Action<NearCacheOptions>? configure = null, IMeterFactory? meters = null)
    {
        var options = new CacheClusterClientOptions();
        options.NearCache.Enabled = true;
        configure?.Invoke(options.NearCache);
        return new ClusterCache(_cluster.Client, Options.Create(options), _cluster.Clock, meterFactory: meters);
    }

    private MetricRecorder RecordSiloMetrics() =>
        new(_cluster.Cluster.Silos.Select(s => (object)s.SiloHost.Services.GetRequiredService<IMeterFactory>()));

    private static Task<string> NextInvalidation(ClusterCache cache, string key)
    {
        var done = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        cache.Near.Invalidated += k =>
        {
            if (k == key)
            {
                done.TrySetResult(k);
            }
        };
        return done.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task RepeatedReads_AreServedLocally_AfterTheFirst()
    {
        using var metrics = RecordSiloMetrics();
        var cache = NewCache();
        var key = CacheTestCluster.NewKey("near");
        await _cluster.Cache.SetAsync(key, "v1", new CacheEntryOptions { TimeToLive = TimeSpan.FromMinutes(10) });

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal("v1", (await cache.TryGetAsync<string>(key)).Value);
        }

        Assert.Equal(1, metrics["cachecluster.entry.hits"]);
        Assert.Equal(1, cache.Near.Count);
    }

    [Fact]
    public async Task ChangeByAnotherClient_ReachesExactlyTheClientsHoldingTheKey_Once()
    {
        using var metrics = RecordSiloMetrics();
        var holder = NewCache();
        var bystander = NewCache();
        var key = CacheTestCluster.NewKey("near");
        var other = CacheTestCluster.NewKey("near");
        var toldBystander = new System.Collections.Concurrent.ConcurrentQueue<string>();
        bystander.Near.Invalidated += toldBystander.Enqueue;
        await _cluster.Cache.SetAsync(key, "v1");
        await _cluster.Cache.SetAsync(other, "o1");
        await holder.TryGetAsync<string>(key);
        await bystander.TryGetAsync<string>(other);

        var invalidated = NextInvalidation(holder, key);
        await _cluster.Cache.SetAsync(key, "v2");
        await invalidated;

        // One notice, and the holder got it: none was sent to the bystander, which still holds its own copy.
        Assert.Equal(1, metrics["cachecluster.nearcache.notices"]);
        Assert.Equal("v2", (await holder.TryGetAsync<string>(key)).Value);
        Assert.Empty(toldBystander);
        Assert.Equal(1, bystander.Near.Count);

        // The bystander is told of its own key: armed before the write, since the notice is one-way and may arrive
        // before the write's answer does.
        var bystanderTold = NextInvalidation(bystander, other);
        await _cluster.Cache.SetAsync(other, "o2");
        await bystanderTold;
        Assert.Equal([other], toldBystander);
        Assert.Equal(0, bystander.Near.Count);
        Assert.Equal(2, metrics["cachecluster.nearcache.notices"]);
        Assert.Equal("o2", (await bystander.TryGetAsync<string>(other)).Value);
    }

    [Fact]
    public async Task RemoveByTag_TwoNearCaches_EachToldOncePerSiloForTheBatch_AndEveryKeyGone()
    {
        const int Keys = 200;
        var tag = "near:" + Guid.NewGuid().ToString("N");
        var keys = Enumerable.Range(0, Keys).Select(i => CacheTestCluster.NewKey($"near{i}")).ToArray();
        var caches = new[] { NewCache(), NewCache() };
        // In slices, so that a busy machine does not push single calls past the client's timeout.
        foreach (var slice in keys.Chunk(50))
        {
            await Task.WhenAll(slice.Select(key => _cluster.Cache.SetAsync(key, "v", new CacheEntryOptions { Tags = [tag] })));
            foreach (var cache in caches)
            {
                await Task.WhenAll(slice.Select(key => cache.TryGetAsync<string>(key)));
            }
        }

        Assert.All(caches, cache => Assert.Equal(Keys, cache.Near.Count));

        // Armed before the removal: the notices are one-way and may arrive before its answer does.
        var told = caches.Select(cache =>
        {
            var left = new HashSet<string>(keys);
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            cache.Near.Invalidated += key =>
            {
                lock (left)
                {
                    if (left.Remove(key) && left.Count == 0)
                    {
                        done.TrySetResult();
                    }
                }
            };
            return done.Task;
        }).ToArray();
        var notices = _cluster.Cluster.Silos.Select(s => s.SiloHost.Services.GetRequiredService<CacheCluster.Invalidation.NearCacheNotices>()).ToArray();
        var batchesBefore = notices.Sum(n => n.BatchesSent);

        Assert.Equal(Keys, await _cluster.Cache.RemoveByTagAsync(tag));
        await Task.WhenAll(told).WaitAsync(TimeSpan.FromSeconds(30));

        // At most one notice per silo and near cache, each carrying that silo's keys.
        Assert.InRange(notices.Sum(n => n.BatchesSent) - batchesBefore, 1, _cluster.Cluster.Silos.Count * caches.Length);
        foreach (var cache in caches)
        {
            Assert.Equal(0, cache.Near.Count);
            foreach (var slice in keys.Chunk(50))
            {
                Assert.All(await Task.WhenAll(slice.Select(key => cache.TryGetAsync<string>(key))), r => Assert.False(r.Found));
            }
        }
    }

    [Fact]
    public async Task OneShot_ASecondChangeIsNotReported_UntilTheKeyIsReadAgain()
    {
        using var metrics = RecordSiloMetrics();
        var holder = NewCache();
        var key = CacheTestCluster.NewKey("near");
        await _cluster.Cache.SetAsync(key, "v1");
        await holder.TryGetAsync<string>(key);

        var first = NextInvalidation(holder, key);
        await _cluster.Cache.SetAsync(key, "v2");
        await first;
        await _cluster.Cache.SetAsync(key, "v3");
        await _cluster.Cache.RemoveAsync(key);

        Assert.Equal(1, metrics["cachecluster.nearcache.notices"]);
    }

    [Fact]
    public async Task TagInvalidationAndExpiry_AlsoReachTheHolder()
    {
        var holder = NewCache();
        var tagged = CacheTestCluster.NewKey("near");
        var expiring = CacheTestCluster.NewKey("near");
        var tag = CacheTestCluster.NewKey("tag");
        await _cluster.Cache.SetAsync(tagged, "v", new CacheEntryOptions { Tags = [tag] });
        await _cluster.Cache.SetAsync(expiring, "e", new CacheEntryOptions { TimeToLive = TimeSpan.FromSeconds(10) });
        await holder.TryGetAsync<string>(tagged);
        await holder.TryGetAsync<string>(expiring);
        Assert.Equal(2, holder.Near.Count);

        var invalidated = NextInvalidation(holder, tagged);
        await _cluster.Cache.RemoveByTagAsync(tag);
        await invalidated;
        Assert.False((await holder.TryGetAsync<string>(tagged)).Found);

        // Hard expiry: the silo's sweep (on the cache clock) deactivates the entry, which tells its trackers.
        var expired = NextInvalidation(holder, expiring);
        _cluster.Clock.Advance(TimeSpan.FromSeconds(11));
        await expired;
        Assert.Equal(0, holder.Near.Count);
        Assert.False((await holder.TryGetAsync<string>(expiring)).Found);
    }

    [Fact]
    public async Task OwnWrite_IsReadBackAtOnce()
    {
        var cache = NewCache();
        var key = CacheTestCluster.NewKey("near");
        await cache.SetAsync(key, "v1");
        Assert.Equal("v1", (await cache.TryGetAsync<string>(key)).Value);

        await cache.SetAsync(key, "v2");
        Assert.Equal("v2", (await cache.TryGetAsync<string>(key)).Value);
        await cache.IncrementAsync(CacheTestCluster.NewKey("counter"));
        await cache.RemoveAsync(key);
        Assert.False((await cache.TryGetAsync<string>(key)).Found);
    }

    [Fact]
    public async Task NearCopy_IsNeverUsedPastItsFreshnessOrTheMaxTimeToLive()
    {
        using var metrics = RecordSiloMetrics();
        var cache = NewCache(near => near.MaxTimeToLive = TimeSpan.FromSeconds(5));
        var shortLived = CacheTestCluster.NewKey("near");
        var longLived = CacheTestCluster.NewKey("near");
        await _cluster.Cache.SetAsync(shortLived, "s", new CacheEntryOptions { TimeToLive = TimeSpan.FromSeconds(4), FreshFor = TimeSpan.FromSeconds(2) });
        await _cluster.Cache.SetAsync(longLived, "l", new CacheEntryOptions { TimeToLive = TimeSpan.FromHours(1) });
        await cache.TryGetAsync<string>(shortLived);
        await cache.TryGetAsync<string>(longLived);

        _cluster.Clock.Advance(TimeSpan.FromSeconds(3));
        var stale = await cache.TryGetAsync<string>(shortLived);
        Assert.Equal(CacheEntryState.Stale, stale.State);
        Assert.Equal("l", (await cache.TryGetAsync<string>(longLived)).Value);
        Assert.Equal(3, metrics["cachecluster.entry.hits"]);

        _cluster.Clock.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal("l", (await cache.TryGetAsync<string>(longLived)).Value);
        Assert.Equal(4, metrics["cachecluster.entry.hits"]);
    }

    [Fact]
    public async Task NearCache_IsBoundedInEntriesAndBytes_LeastRecentlyUsedOut()
    {
        var cache = NewCache(near => near.MaxEntries = 3);
        var keys = Enumerable.Range(0, 5).Select(_ => CacheTestCluster.NewKey("near")).ToArray();
        foreach (var key in keys)
        {
            await _cluster.Cache.SetAsync(key, "v");
        }

        await cache.TryGetAsync<string>(keys[0]);
        await cache.TryGetAsync<string>(keys[1]);
        await cache.TryGetAsync<string>(keys[2]);
        await cache.TryGetAsync<string>(keys[0]);
        await cache.TryGetAsync<string>(keys[3]);

        Assert.Equal(3, cache.Near.Count);
        Assert.True(cache.Near.TryGet(keys[0], out _));
        Assert.False(cache.Near.TryGet(keys[1], out _));

        var small = NewCache(near => near.MaxBytes = 1000);
        foreach (var key in keys)
        {
            await _cluster.Cache.SetAsync(key, new string('x', 300));
            await small.TryGetAsync<string>(key);
        }

        Assert.InRange(small.Near.Bytes, 1, 1000);
        Assert.InRange(small.Near.Count, 1, 2);
    }

    [Fact]
    public async Task PerCallOptIn_AndOptOut()
    {
        var optedOut = NewCache(near => near.Enabled = false);
        var key = CacheTestCluster.NewKey("near");
        await _cluster.Cache.SetAsync(key, "v");

        await optedOut.TryGetAsync<string>(key);
        Assert.Null(Volatile.Read(ref optedOut.NearField));
        await optedOut.TryGetAsync<string>(key, new CacheReadOptions { UseNearCache = true });
        Assert.Equal(1, optedOut.Near.Count);

        var optedIn = NewCache();
        await optedIn.TryGetAsync<string>(key, new CacheReadOptions { UseNearCache = false });
        Assert.Equal(0, optedIn.Near.Count);
    }

    [Fact]
    public void ChangeReportedWhileAReadIsInFlight_KeepsTheAnswerOutOfTheNearCache()
    {
        var near = new CacheCluster.NearCache.NearCache(new NearCacheOptions(), _cluster.Clock, _cluster.Client, monitor: null);
        var fresh = new CacheReadResult { State = CacheEntryState.Fresh, Value = new CacheValue([1]), Version = 1, LastModified = _cluster.Clock.GetUtcNow() };

        var marker = near.BeginRead("k");
        ((INearCacheObserver)near).InvalidateAsync("k");
        near.Complete("k", marker, new CacheTrackedRead(fresh, Tracked: true));
        Assert.False(near.TryGet("k", out _));

        near.Complete("k2", near.BeginRead("k2"), new CacheTrackedRead(fresh, Tracked: false));
        Assert.False(near.TryGet("k2", out _));

        near.Complete("k3", near.BeginRead("k3"), new CacheTrackedRead(fresh, Tracked: true));
        Assert.True(near.TryGet("k3", out _));
    }

    [Fact]
    public void LostConnection_DemotesTheNearCache_CopiesStandInForFailSafeOnlyUpToTheMaximum()
    {
        var monitor = new ClusterConnectionMonitor();
        var near = new CacheCluster.NearCache.NearCache(new NearCacheOptions(), _cluster.Clock, _cluster.Client, monitor, failSafeMaxDuration: TimeSpan.FromMinutes(10));
        var fresh = new CacheReadResult { State = CacheEntryState.Fresh, Value = new CacheValue([1]), Version = 1, LastModified = _cluster.Clock.GetUtcNow() };
        near.Complete("k", near.BeginRead("k"), new CacheTrackedRead(fresh, Tracked: true));
        Assert.True(near.TryGet("k", out _));

        monitor.OnGatewayCountChanged(null, new GatewayCountChangedEventArgs(0, 1));

        // Notices may have been missed: never served as fresh again, but kept to stand in while the cluster is away.
        Assert.False(near.TryGet("k", out _));
        Assert.True(near.TryGetFailSafe("k", out var copy));
        Assert.Equal([1], copy.Value!.Data.ToArray());

        // Reconnecting does not bring it back as fresh either.
        monitor.OnGatewayCountChanged(null, new GatewayCountChangedEventArgs(1, 0));
        Assert.False(near.TryGet("k", out _));

        // Past its validity (60 s by default) plus the fail-safe maximum, it is gone.
        _cluster.Clock.Advance(TimeSpan.FromSeconds(60) + TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(1));
        Assert.False(near.TryGetFailSafe("k", out _));
        Assert.False(near.TryGet("k", out _));
        Assert.Equal(0, near.Count);
    }
}
