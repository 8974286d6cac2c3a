using System.Diagnostics.Metrics;
using CacheCluster.Hosting;
using CacheCluster.Internal;
using CacheCluster.Resilience;
using CacheCluster.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace CacheCluster.Tests.Resilience;

/// <summary>
/// What each call does while the client has lost the cluster (its gateways gone: the connection monitor says so, and no
/// call is sent), and how it recovers: against the real in-memory cluster, which stays up for the other clients.
/// </summary>
[Collection(MemoryClusterCollection.Name)]
public sealed class ClusterFallbackTests(MemoryClusterFixture fixture) : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private static readonly GetOrSetOptions Options = new() { Entry = new CacheEntryOptions { TimeToLive = TimeSpan.FromMinutes(5) } };

    private readonly ServiceProvider _meters = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly ClusterConnectionMonitor _monitor = new();

    private CacheTestCluster Cluster => fixture.Cluster;

    public void Dispose() => _meters.Dispose();

    [Fact]
    public async Task GetOrSet_ClusterLost_RunsTheFactoryOncePerKeyInThisProcess_AndCountsTheFallback()
    {
        var cache = NewCache();
        using var metrics = new MetricRecorder([Meters]);
        var key = CacheTestCluster.NewKey();
        Lose();

        var release = new TaskCompletionSource();
        var runs = 0;
        async Task<string?> Factory(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref runs);
            await release.Task;
            return "computed";
        }

        var callers = Enumerable.Range(0, 20).Select(_ => cache.GetOrSetAsync(key, Factory, Options)).ToList();
        release.SetResult();
        var values = await Task.WhenAll(callers).WaitAsync(Patience);

        Assert.All(values, v => Assert.Equal("computed", v));
        Assert.Equal(1, runs);
        Assert.Equal(20, metrics["cachecluster.client.fallbacks{kind=factory}"]);
    }

    [Fact]
    public async Task GetOrSet_ClusterLost_FactoryFails_ThatFailureReachesTheCaller()
    {
        var cache = NewCache();
        Lose();

        var error = await Assert.ThrowsAsync<CacheFactoryException>(() => cache.GetOrSetAsync<string>(CacheTestCluster.NewKey(), _ => throw new InvalidOperationException("origin down"), Options));
        Assert.Contains("origin down", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetOrSet_ClusterLost_TheNearCopyStandsIn_EvenStale_AndAFallbackValueIsReusedDuringTheOutage()
    {
        var cache = NewCache(o => o.NearCache.Enabled = true);
        var key = CacheTestCluster.NewKey();
        Assert.Equal("stored", await cache.GetOrSetAsync(key, _ => Task.FromResult<string?>("stored"), Options));
        Lose();

        Assert.Equal("stored", await cache.GetOrSetAsync<string>(key, _ => throw new InvalidOperationException("must not run: the near copy stands in"), Options));

        // A key computed during the outage is kept near for fail-safe: the next call does not run the factory again.
        var other = CacheTestCluster.NewKey();
        Assert.Equal("first", await cache.GetOrSetAsync(other, _ => Task.FromResult<string?>("first"), Options));
        Assert.Equal("first", await cache.GetOrSetAsync<string>(other, _ => throw new InvalidOperationException("must not run: the fallback's value stands in"), Options));

        // Back: the fail-safe copy is not served as fresh; the cluster answers (the outage's value was never stored).
        Regain();
        Assert.Equal("cluster", await cache.GetOrSetAsync(other, _ => Task.FromResult<string?>("cluster"), Options));
    }

    [Fact]
    public async Task TryGet_ClusterLost_IsAMissByDefault_OrThrowsByOption()
    {
        var key = CacheTestCluster.NewKey();
        await CacheTestCluster.NewCache(Cluster.Client).SetAsync(key, "v");
        var missing = NewCache();
        var throwing = NewCache(o => o.Resilience.ReadFailureMode = CacheReadFailureMode.Throw);
        using var metrics = new MetricRecorder([Meters]);
        Lose();

        Assert.False((await missing.TryGetAsync<string>(key)).Found);
        Assert.False(await missing.ExistsAsync(key));
        Assert.Equal(2, metrics["cachecluster.client.fallbacks{kind=miss}"]);
        var error = await Assert.ThrowsAsync<CacheClusterUnavailableException>(() => throwing.TryGetAsync<string>(key));
        Assert.Contains("not connected", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Set_ClusterLost_ThrowsByDefault_QueuedByOption_AndAppliedWhenBack()
    {
        var key = CacheTestCluster.NewKey();
        var throwing = NewCache();
        Lose();
        await Assert.ThrowsAsync<CacheClusterUnavailableException>(() => throwing.SetAsync(key, "lost"));
        Assert.Equal(0, throwing.Resilience.Queue.Count);

        var monitor = new ClusterConnectionMonitor();
        var queueing = NewCache(o => o.Resilience.SetFailureMode = CacheWriteFailureMode.Queue, monitor);
        monitor.OnGatewayCountChanged(null, new GatewayCountChangedEventArgs(0, 1));
        var result = await queueing.SetAsync(key, "queued");
        Assert.Equal(CacheWriteOutcome.Queued, result.Outcome);

        // A conditional write cannot be applied later as meant: it throws even in queue mode.
        await Assert.ThrowsAsync<CacheClusterUnavailableException>(() => queueing.SetAsync(key, "nx", condition: CacheWriteCondition.IfNotExists));

        monitor.OnGatewayCountChanged(null, new GatewayCountChangedEventArgs(1, 0));
        await WaitForEmptyQueueAsync(queueing);
        Assert.Equal("queued", (await CacheTestCluster.NewCache(Cluster.Client).TryGetAsync<string>(key)).Value);
    }

    [Fact]
    public async Task Remove_ClusterLost_IsNeverLost_NoNearCopyServedMeanwhile_AppliedWhenBack()
    {
        var key = CacheTestCluster.NewKey();
        var cache = NewCache(o => o.NearCache.Enabled = true);
        await cache.SetAsync(key, "old");
        Assert.Equal("old", (await cache.TryGetAsync<string>(key)).Value);
        Lose();

        var error = await Assert.ThrowsAsync<CacheClusterUnavailableException>(() => cache.RemoveAsync(key));
        Assert.Contains("kept and applied when the cluster is back", error.Message, StringComparison.Ordinal);

        // Read-your-writes meanwhile: this client reads the key as gone, and GetOrSet has no near copy to stand in.
        Assert.False((await cache.TryGetAsync<string>(key)).Found);
        Assert.Equal("recomputed", await cache.GetOrSetAsync(key, _ => Task.FromResult<string?>("recomputed"), Options));

        // The other clients still see the old value until the cluster is back and the remove applied.
        Assert.Equal("old", (await CacheTestCluster.NewCache(Cluster.Client).TryGetAsync<string>(key)).Value);
        Regain();
        await WaitForEmptyQueueAsync(cache);
        Assert.False((await CacheTestCluster.NewCache(Cluster.Client).TryGetAsync<string>(key)).Found);
    }

    [Fact]
    public async Task RemoveByTag_ClusterLost_QueueMode_ReturnsAtOnce_DropsNearCopies_AppliedWhenBack()
    {
        var tag = "t-" + Guid.NewGuid().ToString("N");
        var key = CacheTestCluster.NewKey();
        var cache = NewCache(o =>
        {
            o.NearCache.Enabled = true;
            o.Resilience.RemoveFailureMode = CacheWriteFailureMode.Queue;
        });
        await cache.SetAsync(key, "tagged", new CacheEntryOptions { Tags = [tag] });
        Assert.Equal("tagged", (await cache.TryGetAsync<string>(key)).Value);
        Lose();

        Assert.Equal(0, await cache.RemoveByTagAsync(tag));
        Assert.Equal(1, cache.Resilience.Queue.Count);
        Assert.False(cache.Near.TryGetFailSafe(key, out _));

        Regain();
        await WaitForEmptyQueueAsync(cache);
        Assert.False((await CacheTestCluster.NewCache(Cluster.Client).TryGetAsync<string>(key)).Found);
    }

    [Fact]
    public async Task HealthCheck_HealthyWhileConnected_DegradedWhileLost_WithTheBreakerAndQueue()
    {
        var cache = NewCache();
        var check = new CacheClusterHealthCheck(cache, _monitor);
        var context = new HealthCheckContext { Registration = new HealthCheckRegistration("cachecluster", check, HealthStatus.Degraded, null) };
        Assert.Equal(HealthStatus.Healthy, (await check.CheckHealthAsync(context)).Status);

        Lose();
        var lost = await check.CheckHealthAsync(context);

        Assert.Equal(HealthStatus.Degraded, lost.Status);
        Assert.Equal(false, lost.Data["connected"]);
        Assert.Equal("Closed", lost.Data["breaker"]);
    }

    [Fact]
    public async Task AddCacheClusterHealthCheck_RegistersTheCheck()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton<IClusterCache>(NewCache());
        services.AddHealthChecks().AddCacheClusterHealthCheck();
        await using var provider = services.BuildServiceProvider();

        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        Assert.Equal(HealthStatus.Healthy, report.Entries["cachecluster"].Status);
    }

    private IMeterFactory Meters => _meters.GetRequiredService<IMeterFactory>();

    private void Lose() => _monitor.OnGatewayCountChanged(null, new GatewayCountChangedEventArgs(0, 1));

    private void Regain() => _monitor.OnGatewayCountChanged(null, new GatewayCountChangedEventArgs(1, 0));

    private ClusterCache NewCache(Action<CacheClusterClientOptions>? configure = null, ClusterConnectionMonitor? monitor = null)
    {
        var options = new CacheClusterClientOptions();
        configure?.Invoke(options);
        var cache = new ClusterCache(Cluster.Client, Microsoft.Extensions.Options.Options.Create(options), Cluster.Clock, meterFactory: Meters, monitor: monitor ?? _monitor);

        // Wire the resilience state (and so the monitor's events) before the test loses the cluster.
        _ = cache.Resilience;
        return cache;
    }

    private static async Task WaitForEmptyQueueAsync(ClusterCache cache)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (cache.Resilience.Queue.Count > 0)
        {
            await Task.Delay(20, timeout.Token);
        }
    }
}
