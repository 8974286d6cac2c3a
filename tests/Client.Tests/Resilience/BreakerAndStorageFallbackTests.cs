using CacheCluster.Diagnostics;
using CacheCluster.Hosting;
using CacheCluster.Internal;
using CacheCluster.Resilience;
using CacheCluster.Tests.Fixtures;
using Microsoft.Extensions.Time.Testing;

namespace CacheCluster.Tests.Resilience;

/// <summary>
/// The fallbacks against real failures: a call the cluster does not answer within ClusterTimeout (it is parked
/// behind another caller's lease, on a silo clock that never moves) opens the breaker; and a Redis that is stopped.
/// </summary>
[Collection(MemoryClusterCollection.Name)]
public sealed class BreakerAndStorageFallbackTests(MemoryClusterFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task ACallPastClusterTimeout_OpensTheBreaker_CallsThenAnswerAtOnceThroughTheFallback_AProbeClosesIt()
    {
        var cluster = fixture.Cluster;
        var clientClock = new FakeTimeProvider(cluster.Clock.GetUtcNow());
        var options = new CacheClusterClientOptions { ClusterTimeout = TimeSpan.FromSeconds(1) };
        options.Resilience.BreakerThreshold = 1;
        options.Resilience.BreakerDuration = TimeSpan.FromSeconds(5);
        var cache = new ClusterCache(cluster.Client, Microsoft.Extensions.Options.Options.Create(options), clientClock, monitor: new ClusterConnectionMonitor());
        var getOrSet = new GetOrSetOptions { WaitTimeout = TimeSpan.FromSeconds(3), Entry = new CacheEntryOptions { TimeToLive = TimeSpan.FromMinutes(5) } };

        // Another caller holds the key's lease: this caller's lookup parks in the grain, and the silo's clock stands still.
        var key = CacheTestCluster.NewKey();
        var held = await cluster.Grain(key).GetOrLeaseAsync(new CacheLeaseRequest());
        using var events = GrainEvents.Listen();
        var parked = events.WaitFor(CacheClusterEvents.LeaseWaiting, key);
        var call = cache.GetOrSetAsync(key, _ => Task.FromResult<string?>("computed here"), getOrSet);
        await parked.WaitAsync(Patience);

        // ClusterTimeout (1 s) on top of the lookup's own wait (3 s) passes on the client's clock.
        clientClock.Advance(TimeSpan.FromSeconds(4.001));
        Assert.Equal("computed here", await call.WaitAsync(Patience));
        Assert.Equal(CircuitBreakerState.Open, cache.Resilience.Breaker.State);

        // Open: no call goes out; the factory answers in this process at once.
        var runs = 0;
        var other = CacheTestCluster.NewKey();
        Assert.Equal("local", await cache.GetOrSetAsync(other, _ => { runs++; return Task.FromResult<string?>("local"); }, getOrSet));
        Assert.Equal(1, runs);
        Assert.False((await cluster.Grain(other).GetAsync()).Found);

        // After the break, one call probes; the cluster answers, and the breaker closes.
        clientClock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal("stored", await cache.GetOrSetAsync(other, _ => Task.FromResult<string?>("stored"), getOrSet));
        Assert.Equal(CircuitBreakerState.Closed, cache.Resilience.Breaker.State);
        Assert.True((await cluster.Grain(other).GetAsync()).Found);

        await cluster.Grain(key).ReleaseLeaseAsync(held.Lease!.Value.Token, CacheLeaseRelease.NoValue, null, null);
    }
}

/// <summary>Redis stopped under a Redis-backed cluster: GetOrSet answers through the factory, and a remove is applied once Redis is back.</summary>
public sealed class RedisDownFallbackTests : IAsyncLifetime
{
    private RedisServer _redis = null!;
    private CacheTestCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        // Append-only, so that a restart keeps the entries and the tag index, as a production Redis would.
        _redis = await RedisServer.StartAsync(appendOnly: true);
        _cluster = await CacheTestCluster.StartAsync(silos: 1, redis: _redis.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task RedisDown_GetOrSetAnswersThroughTheFactory_ARemoveIsKeptAndAppliedWhenRedisIsBack()
    {
        var logger = new Microsoft.Extensions.Logging.Testing.FakeLogger<ClusterCache>();
        var cache = new ClusterCache(_cluster.Client, Microsoft.Extensions.Options.Options.Create(new CacheClusterClientOptions()), TimeProvider.System, logger, monitor: new ClusterConnectionMonitor());
        var options = new GetOrSetOptions { Entry = new CacheEntryOptions { TimeToLive = TimeSpan.FromMinutes(5) } };
        var stored = CacheTestCluster.NewKey();
        await cache.SetAsync(stored, "before", options.Entry);
        var tag = "t-" + Guid.NewGuid().ToString("N");
        var tagged = CacheTestCluster.NewKey();
        await cache.SetAsync(tagged, "tagged", new CacheEntryOptions { Tags = [tag] });
        var untouched = CacheTestCluster.NewKey();
        await cache.SetAsync(untouched, "untouched", options.Entry);

        await _redis.StopAsync();

        // A tag removal cannot be stored: kept; this client no longer reads the tagged entry, which the others still
        // read from its activation; an event kept likewise does not stop the reads of active entries.
        await Assert.ThrowsAsync<CacheStorageException>(() => cache.RemoveByTagAsync(tag));
        Assert.False((await cache.TryGetAsync<string>(tagged)).Found);
        Assert.Equal("tagged", (await CacheTestCluster.NewCache(_cluster.Client).TryGetAsync<string>(tagged)).Value);
        await Assert.ThrowsAsync<CacheStorageException>(() => cache.PublishAsync(new DomainEvent(Guid.NewGuid().ToString("N"), "product.updated", DateTimeOffset.UtcNow, "{\"product_id\":\"1\"}")));
        Assert.Equal("untouched", (await cache.TryGetAsync<string>(untouched)).Value);

        // A key whose entry is not active cannot be loaded: the storage error is the cache's, so the factory answers.
        Assert.Equal("computed", await cache.GetOrSetAsync(CacheTestCluster.NewKey(), _ => Task.FromResult<string?>("computed"), options));

        // The remove cannot be stored: the caller is told, the remove is kept, and this client reads the key as gone.
        var error = await Assert.ThrowsAsync<CacheStorageException>(() => cache.RemoveAsync(stored));
        Assert.Contains("kept and applied", error.Message, StringComparison.Ordinal);
        Assert.False((await cache.TryGetAsync<string>(stored)).Found);

        await _redis.RestartAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (cache.Resilience.Queue.Count > 0)
        {
            await Task.Delay(50, timeout.Token);
        }

        Assert.False((await _cluster.Grain(stored).GetAsync()).Found);
        Assert.False((await _cluster.Grain(tagged).GetAsync()).Found, string.Join("\n", logger.Collector.GetSnapshot().Select(r => r.ToString() + " " + r.Exception?.Message)));
        Assert.True((await _cluster.Grain(untouched).GetAsync()).Found);
    }
}
