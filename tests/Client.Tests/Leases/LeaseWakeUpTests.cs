using System.Diagnostics.Metrics;
using CacheCluster.Diagnostics;
using CacheCluster.Hosting;
using CacheCluster.Internal;
using CacheCluster.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CacheCluster.Tests.Leases;

/// <summary>
/// How the entry grain wakes its parked readers: a fill answers them all with its value (tracked for a near cache, so
/// no read before or after the wait), and one timer on the cache clock ends each reader's own wait at its time.
/// </summary>
[Collection(MemoryClusterCollection.Name)]
public sealed class LeaseWakeUpTests(MemoryClusterFixture fixture)
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(30);
    private static readonly CacheLeaseRequest Holding = new() { LeaseTimeout = TimeSpan.FromMinutes(5) };

    private readonly CacheTestCluster _cluster = fixture.Cluster;

    [Fact]
    public async Task GetOrLease_ReadersWithDifferentWaits_EachTimesOutAtItsOwnTime_OnTheCacheClock()
    {
        var key = CacheTestCluster.NewKey("wake");
        var grain = _cluster.Grain(key);
        Assert.Equal(CacheLookupOutcome.LeaseGranted, (await grain.GetOrLeaseAsync(Holding)).Outcome);

        using var events = GrainEvents.Listen();
        var parked = events.WaitFor(CacheClusterEvents.LeaseWaiting, key, count: 3);
        var late = grain.GetOrLeaseAsync(new CacheLeaseRequest { Wait = TimeSpan.FromSeconds(3) });
        var early = grain.GetOrLeaseAsync(new CacheLeaseRequest { Wait = TimeSpan.FromSeconds(1) });
        var middle = grain.GetOrLeaseAsync(new CacheLeaseRequest { Wait = TimeSpan.FromSeconds(2) });
        await parked.WaitAsync(WaitLimit);

        // A call to the grain runs after the parking turns: the timer is armed when it returns.
        Assert.Equal(3, (await grain.GetDiagnosticsAsync()).Waiters);
        _cluster.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(CacheLookupOutcome.WaitTimedOut, (await early.WaitAsync(WaitLimit)).Outcome);
        Assert.Equal(2, (await grain.GetDiagnosticsAsync()).Waiters);

        _cluster.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(CacheLookupOutcome.WaitTimedOut, (await middle.WaitAsync(WaitLimit)).Outcome);
        Assert.Equal(1, (await grain.GetDiagnosticsAsync()).Waiters);
        Assert.False(late.IsCompleted);

        _cluster.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(CacheLookupOutcome.WaitTimedOut, (await late.WaitAsync(WaitLimit)).Outcome);
        Assert.Equal(0, (await grain.GetDiagnosticsAsync()).Waiters);
    }

    [Fact]
    public async Task GetOrLease_Fill_AnswersEveryParkedReaderWithItsValue_AndTheirLeaseTimeoutDoesNotWakeThemAgain()
    {
        var key = CacheTestCluster.NewKey("wake");
        var grain = _cluster.Grain(key);
        var lease = (await grain.GetOrLeaseAsync(Holding)).Lease!.Value;

        using var events = GrainEvents.Listen();
        var parked = events.WaitFor(CacheClusterEvents.LeaseWaiting, key, count: 20);
        var readers = Enumerable.Range(0, 20).Select(i => grain.GetOrLeaseAsync(new CacheLeaseRequest { Wait = TimeSpan.FromSeconds(1 + i) })).ToArray();
        await parked.WaitAsync(WaitLimit);

        var fill = await grain.FillAsync(lease.Token, new CacheValue("v"u8.ToArray(), "text/plain"), options: null);

        var answers = await Task.WhenAll(readers).WaitAsync(WaitLimit);
        Assert.All(answers, a => Assert.Equal((CacheLookupOutcome.Hit, true, fill.Version, "v"), (a.Outcome, a.Waited, a.Entry!.Version, System.Text.Encoding.UTF8.GetString(a.Entry.Value!.Data))));
        Assert.Equal(0, (await grain.GetDiagnosticsAsync()).Waiters);

        // The readers' old deadlines pass with nobody parked: the disarmed timer does nothing, and the grain still answers.
        _cluster.Clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(CacheLookupOutcome.Hit, (await grain.GetOrLeaseAsync(new CacheLeaseRequest())).Outcome);
    }

    [Fact]
    public async Task GetOrSet_NearCacheWaiter_KeepsTheValueNearFromItsOneLookup_AndHearsTheNextChange()
    {
        using var metrics = new MetricRecorder(_cluster.Cluster.Silos.Select(s => (object)s.SiloHost.Services.GetRequiredService<IMeterFactory>()));
        var holder = new ClusterCache(_cluster.Client, Options.Create(new CacheClusterClientOptions()), _cluster.Clock);
        var nearOptions = new CacheClusterClientOptions();
        nearOptions.NearCache.Enabled = true;
        var near = new ClusterCache(_cluster.Client, Options.Create(nearOptions), _cluster.Clock);
        var key = CacheTestCluster.NewKey("wake");
        var factory = new Factory<string>(run => $"v{run}") { Gated = true };

        var holding = holder.GetOrSetAsync(key, factory.RunAsync);
        await factory.Started.WaitAsync(WaitLimit);
        using var events = GrainEvents.Listen();
        var parked = events.WaitFor(CacheClusterEvents.LeaseWaiting, key);
        var hits = metrics["cachecluster.entry.hits"];
        var misses = metrics["cachecluster.entry.misses"];
        var waiter = near.GetOrSetAsync(key, factory.RunAsync);
        await parked.WaitAsync(WaitLimit);
        factory.Open();

        Assert.Equal(("v1", "v1"), (await holding.WaitAsync(WaitLimit), await waiter.WaitAsync(WaitLimit)));

        // One lookup, answered by the fill: no tracked read before the wait (a miss) nor after it (a hit).
        Assert.Equal((hits + 1, misses), (metrics["cachecluster.entry.hits"], metrics["cachecluster.entry.misses"]));
        Assert.True(near.Near.TryGet(key, out var kept));
        Assert.Equal("v1", System.Text.Encoding.UTF8.GetString(kept.Value!.Data));

        // The lookup registered the near cache with the entry: another client's write drops the near copy.
        var dropped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        near.Near.Invalidated += k =>
        {
            if (k == key)
            {
                dropped.TrySetResult();
            }
        };
        await holder.SetAsync(key, "changed");
        await dropped.Task.WaitAsync(WaitLimit);
        Assert.False(near.Near.TryGet(key, out _));
        Assert.Equal("changed", await near.GetOrSetAsync(key, factory.RunAsync).WaitAsync(WaitLimit));
        Assert.Equal(1, factory.Runs);
    }
}
