using System.Diagnostics.Metrics;
using CacheCluster.Hosting;
using CacheCluster.Internal;
using CacheCluster.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CacheCluster.Tests.Leases;

/// <summary>
/// GetOrSet with the tracked near cache: a fresh near copy answers with no call, every value GetOrSet obtains is kept
/// near, a change anywhere drops it, and the per-call switches. A cluster of its own, for exact counters.
/// </summary>
public sealed class GetOrSetNearCacheTests : IAsyncLifetime
{
    private static readonly CacheEntryOptions TenMinutes = new() { TimeToLive = TimeSpan.FromMinutes(10) };
    private CacheTestCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await CacheTestCluster.StartAsync(silos: 2);

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private ClusterCache NewCache(bool nearEnabled = true, Action<CacheClusterClientOptions>? configure = null)
    {
        var options = new CacheClusterClientOptions();
        options.NearCache.Enabled = nearEnabled;
        configure?.Invoke(options);
        return new ClusterCache(_cluster.Client, Options.Create(options), _cluster.Clock);
    }

    private MetricRecorder RecordSiloMetrics() =>
        new(_cluster.Cluster.Silos.Select(s => (object)s.SiloHost.Services.GetRequiredService<IMeterFactory>()));

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
    public async Task GetOrSet_NearCacheEnabled_KeepsTheFilledValue_AndAnswersTheNextCallsLocally()
    {
        using var metrics = RecordSiloMetrics();
        var cache = NewCache();
        var key = CacheTestCluster.NewKey("near");
        var factory = new Factory<string>(run => $"v{run}");
        var options = new GetOrSetOptions { Entry = TenMinutes };

        Assert.Equal("v1", await cache.GetOrSetAsync(key, factory.RunAsync, options));
        var hits = metrics["cachecluster.entry.hits"];
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal("v1", await cache.GetOrSetAsync(key, factory.RunAsync, options));
        }

        Assert.Equal(hits, metrics["cachecluster.entry.hits"]);
        Assert.Equal(1, factory.Runs);
    }

    [Fact]
    public async Task GetOrSet_NearCopy_IsDroppedWhenAnotherClientChangesTheEntry()
    {
        var holder = NewCache();
        var writer = NewCache(nearEnabled: false);
        var key = CacheTestCluster.NewKey("near");
        var factory = new Factory<string>(run => $"v{run}");
        Assert.Equal("v1", await holder.GetOrSetAsync(key, factory.RunAsync, new GetOrSetOptions { Entry = TenMinutes }));
        var told = NextInvalidation(holder, key);

        await writer.SetAsync(key, "changed", TenMinutes);
        await told;

        Assert.Equal("changed", await holder.GetOrSetAsync(key, factory.RunAsync));
        Assert.Equal(1, factory.Runs);

        var removed = NextInvalidation(holder, key);
        await writer.RemoveAsync(key);
        await removed;
        Assert.Equal("v2", await holder.GetOrSetAsync(key, factory.RunAsync));
    }

    [Fact]
    public async Task GetOrSet_PerCallNearCache_WorksOnAClientWithTheNearCacheOff()
    {
        using var metrics = RecordSiloMetrics();
        var cache = NewCache(nearEnabled: false);
        var key = CacheTestCluster.NewKey("near");
        var factory = new Factory<string>(run => $"v{run}");
        var near = new GetOrSetOptions { Entry = TenMinutes, NearCacheRead = true, NearCacheWrite = true };

        await cache.GetOrSetAsync(key, factory.RunAsync, near);
        var hits = metrics["cachecluster.entry.hits"];
        Assert.Equal("v1", await cache.GetOrSetAsync(key, factory.RunAsync, near));
        Assert.Equal(hits, metrics["cachecluster.entry.hits"]);

        // Without the per-call switch the client's setting (off) holds: the cluster answers.
        Assert.Equal("v1", await cache.GetOrSetAsync(key, factory.RunAsync));
        Assert.Equal(hits + 1, metrics["cachecluster.entry.hits"]);
    }

    [Fact]
    public async Task GetOrSet_NearCacheWriteOff_KeepsNothing_NearCacheReadOff_AsksTheCluster()
    {
        using var metrics = RecordSiloMetrics();
        var cache = NewCache();
        var key = CacheTestCluster.NewKey("near");
        var factory = new Factory<string>(run => $"v{run}");

        await cache.GetOrSetAsync(key, factory.RunAsync, new GetOrSetOptions { Entry = TenMinutes, NearCacheWrite = false });
        Assert.False(cache.Near.TryGet(key, out _));

        await cache.GetOrSetAsync(key, factory.RunAsync);
        Assert.True(cache.Near.TryGet(key, out _));
        var hits = metrics["cachecluster.entry.hits"];
        Assert.Equal("v1", await cache.GetOrSetAsync(key, factory.RunAsync, new GetOrSetOptions { NearCacheRead = false, NearCacheWrite = false }));
        Assert.Equal(hits + 1, metrics["cachecluster.entry.hits"]);
        Assert.Equal(1, factory.Runs);
    }

    [Fact]
    public async Task GetOrSet_NearCacheExpiration_BoundsTheNearCopy()
    {
        using var metrics = RecordSiloMetrics();
        var cache = NewCache();
        var key = CacheTestCluster.NewKey("near");
        var factory = new Factory<string>(run => $"v{run}");
        var options = new GetOrSetOptions { Entry = TenMinutes, NearCacheExpiration = TimeSpan.FromSeconds(20) };

        await cache.GetOrSetAsync(key, factory.RunAsync, options);
        var hits = metrics["cachecluster.entry.hits"];
        _cluster.Clock.Advance(TimeSpan.FromSeconds(19));
        await cache.GetOrSetAsync(key, factory.RunAsync, options);
        Assert.Equal(hits, metrics["cachecluster.entry.hits"]);

        _cluster.Clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal("v1", await cache.GetOrSetAsync(key, factory.RunAsync, options));
        Assert.Equal(hits + 1, metrics["cachecluster.entry.hits"]);
        Assert.Equal(1, factory.Runs);
    }
}
