using System.Diagnostics.Metrics;
using CacheCluster.Diagnostics;
using CacheCluster.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace CacheCluster.Tests.Leases;

/// <summary>Exact counter values need a cluster of their own: nothing else may run on its silos meanwhile.</summary>
public sealed class GetOrSetMetricsTests : IAsyncLifetime
{
    private CacheTestCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await CacheTestCluster.StartAsync(silos: 2);

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task Counters_ReportHitsMissesLeasesWaitsVoidsFailSafeAndFactoryRuns()
    {
        using var clientServices = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var clientMeters = clientServices.GetRequiredService<IMeterFactory>();
        var scopes = _cluster.Cluster.Silos.Select(s => (object)s.SiloHost.Services.GetRequiredService<IMeterFactory>()).Append(clientMeters);
        using var metrics = new MetricRecorder(scopes);
        var cache = CacheTestCluster.NewCache(_cluster.Client, meterFactory: clientMeters);
        var key = CacheTestCluster.NewKey();
        var options = new GetOrSetOptions { Entry = new CacheEntryOptions { TimeToLive = TimeSpan.FromMinutes(5), FreshFor = TimeSpan.FromSeconds(10) } };

        // Miss and fill (1 miss, 1 fill lease, 1 factory run), then a fresh hit.
        await cache.GetOrSetAsync(key, _ => Task.FromResult<string?>("v1"), options);
        await cache.GetOrSetAsync(key, _ => Task.FromResult<string?>("unused"), options);

        // Stale hit with a refresh that fails: fail-safe keeps the value and throttles.
        _cluster.Clock.Advance(TimeSpan.FromSeconds(11));
        using var events = GrainEvents.Listen();
        var released = events.WaitFor(CacheClusterEvents.LeaseReleased, key);
        Assert.Equal("v1", await cache.GetOrSetAsync<string>(key, _ => throw new InvalidOperationException("down"), options));
        await released.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("v1", await cache.GetOrSetAsync(key, _ => Task.FromResult<string?>("unused"), options with { AllowStale = false }));

        // A lease voided by a delete, and a waiter parked behind it.
        var other = CacheTestCluster.NewKey();
        var grain = _cluster.Grain(other);
        var lease = await grain.GetOrLeaseAsync(new CacheLeaseRequest());
        var parked = events.WaitFor(CacheClusterEvents.LeaseWaiting, other);
        var waiter = grain.GetOrLeaseAsync(new CacheLeaseRequest { Wait = TimeSpan.FromSeconds(5) });
        await parked.WaitAsync(TimeSpan.FromSeconds(30));
        await grain.DeleteAsync();
        var afterVoid = await waiter;
        Assert.Equal(CacheLookupOutcome.LeaseGranted, afterVoid.Outcome);
        Assert.Equal(CacheWriteOutcome.LeaseVoided, (await grain.FillAsync(lease.Lease!.Value.Token, new CacheValue([1]), null)).Outcome);

        Assert.Equal(2, metrics["cachecluster.entry.misses"]);
        Assert.Equal(1, metrics["cachecluster.entry.hits{state=fresh}"]);
        Assert.Equal(2, metrics["cachecluster.entry.hits{state=stale}"]);
        Assert.Equal(3, metrics["cachecluster.lease.granted{kind=fill}"]);
        Assert.Equal(1, metrics["cachecluster.lease.granted{kind=refresh}"]);
        Assert.Equal(1, metrics["cachecluster.lease.waits"]);
        Assert.Equal(2, metrics["cachecluster.lease.voided"]);
        Assert.Equal(1, metrics["cachecluster.failsafe.activations"]);
        Assert.Equal(1, metrics["cachecluster.factory.runs{outcome=value}"]);
        Assert.Equal(1, metrics["cachecluster.factory.runs{outcome=error}"]);
        Assert.Equal(2, metrics["cachecluster.factory.duration.count"]);
    }
}
