using System.Diagnostics.Metrics;
using CacheCluster.Eviction;
using CacheCluster.Tests.Fixtures;
using Orleans.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace CacheCluster.Tests.Eviction;

/// <summary>
/// The entry limit on a real silo in embedded mode, on the fake cache clock: the monitor's loop (woken by new records,
/// ticking as the clock advances) evicts the least recently used records, and what it evicts is gone everywhere.
/// </summary>
public sealed class EntryEvictionTests : IAsyncLifetime
{
    private const int MaxEntries = 40;
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(30);

    private CacheTestCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await CacheTestCluster.StartAsync(silos: 1, configure: silo => silo.AddCacheClusterEviction(options => options.MaxEntries = MaxEntries));

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task Embedded_OverMaxEntries_TheLeastRecentlyUsedRecordsGo_WithNoGhostHits()
    {
        var silo = _cluster.Cluster.Silos[0].ServiceProvider;
        using var metrics = new MetricRecorder([silo.GetRequiredService<IMeterFactory>()]);
        var store = _cluster.MemoryStore!;
        var cache = _cluster.Cache;
        var tag = "grp:" + Guid.NewGuid().ToString("N");
        var keys = Enumerable.Range(0, 60).Select(i => $"ev:{i:D2}:{Guid.NewGuid():N}").ToArray();

        // 40 entries, a second apart; then the first ten are read again; then 20 more entries.
        for (var i = 0; i < MaxEntries; i++)
        {
            await cache.SetAsync(keys[i], $"v{i}", new CacheEntryOptions { Tags = [tag] });
            _cluster.Clock.Advance(TimeSpan.FromSeconds(1));
        }

        for (var i = 0; i < 10; i++)
        {
            Assert.Equal($"v{i}", (await cache.TryGetAsync<string>(keys[i])).Value);
        }

        _cluster.Clock.Advance(TimeSpan.FromSeconds(1));
        for (var i = MaxEntries; i < keys.Length; i++)
        {
            await cache.SetAsync(keys[i], $"v{i}", new CacheEntryOptions { Tags = [tag] });
            _cluster.Clock.Advance(TimeSpan.FromSeconds(1));
        }

        // Records that activations hold go once their activations have: tick the monitor until the store is at the limit.
        await TickUntilAsync(() => Task.FromResult(store.Count == MaxEntries && metrics["cachecluster.evictions{outcome=removed,reason=entries}"] == 20));

        // Gone: the 20 least recently used (written 11th to 30th, never read again).
        var survivors = keys.Where((_, i) => i < 10 || i >= 30).ToHashSet();
        foreach (var (key, i) in keys.Select((key, i) => (key, i)))
        {
            Assert.Equal(survivors.Contains(key) ? $"v{i}" : null, (await cache.TryGetAsync<string>(key)).Value);
        }

        // Their tag registrations went with them: the tag reaches exactly the survivors.
        Assert.Equal(survivors.Count, await cache.RemoveByTagAsync(tag));
        foreach (var key in keys)
        {
            Assert.False(await cache.ExistsAsync(key));
        }

        Assert.Equal(20, metrics["cachecluster.evictions{outcome=removed,reason=entries}"]);
    }

    [Fact]
    public async Task Embedded_AnEvictedKey_WrittenAgain_IsStoredAndReachableByItsTag()
    {
        var store = _cluster.MemoryStore!;
        var cache = _cluster.Cache;
        var tag = "again:" + Guid.NewGuid().ToString("N");
        var first = $"again:{Guid.NewGuid():N}";
        await cache.SetAsync(first, "old", new CacheEntryOptions { Tags = [tag] });
        _cluster.Clock.Advance(TimeSpan.FromSeconds(1));
        for (var i = 0; i < MaxEntries; i++)
        {
            await cache.SetAsync($"fill:{i}:{Guid.NewGuid():N}", "x");
            _cluster.Clock.Advance(TimeSpan.FromSeconds(1));
        }

        await TickUntilAsync(async () => store.Count <= MaxEntries && await store.ReadAsync(first) is null);
        Assert.Null((await cache.TryGetAsync<string>(first)).Value);

        await cache.SetAsync(first, "new", new CacheEntryOptions { Tags = [tag] });
        Assert.Equal("new", (await cache.TryGetAsync<string>(first)).Value);
        Assert.Equal(1, await cache.RemoveByTagAsync(tag));
    }

    /// <summary>Advances the cache clock a monitor tick at a time until <paramref name="condition"/> holds.</summary>
    private async Task TickUntilAsync(Func<Task<bool>> condition)
    {
        var started = TimeProvider.System.GetTimestamp();
        while (!await condition())
        {
            Assert.True(TimeProvider.System.GetElapsedTime(started) < Settle, "The store did not come down to its limit.");
            _cluster.Clock.Advance(EntryEvictionMonitor.CheckInterval);
            await Task.Delay(TimeSpan.FromMilliseconds(10), TimeProvider.System);
        }
    }
}
