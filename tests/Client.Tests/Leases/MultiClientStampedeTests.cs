using CacheCluster.Diagnostics;
using CacheCluster.Tests.Fixtures;
using Microsoft.Extensions.Hosting;

namespace CacheCluster.Tests.Leases;

/// <summary>Single flight across independent client hosts, as separate application servers would call the cluster.</summary>
public sealed class MultiClientStampedeTests : IAsyncLifetime
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(60);
    private MultiClientCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await MultiClientCluster.StartAsync(silos: 3);

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task HundredsOfCallersOnThreeClients_ColdKey_FactoryRunsOnce()
    {
        var clients = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => _cluster.NewClientAsync()));
        var key = CacheTestCluster.NewKey("stampede");
        var runs = 0;
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        async Task<string?> Factory(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref runs);
            await gate.Task;
            return "computed-once";
        }

        using var events = GrainEvents.Listen();
        var granted = events.WaitFor(CacheClusterEvents.LeaseGranted, key);
        var parked = events.WaitFor(CacheClusterEvents.LeaseWaiting, key, count: 2);
        var callers = Enumerable.Range(0, 600).Select(i => clients[i % 3].Cache.GetOrSetAsync(key, Factory, new GetOrSetOptions { Entry = new CacheEntryOptions { TimeToLive = TimeSpan.FromMinutes(1) } })).ToArray();
        await granted.WaitAsync(WaitLimit);

        // Before the value lands, each client's callers share one lookup: the lease holder's, and one parked in the
        // grain for each of the other two clients.
        await parked.WaitAsync(WaitLimit);
        Assert.All(callers, c => Assert.False(c.IsCompleted));
        gate.SetResult();

        var results = await Task.WhenAll(callers).WaitAsync(WaitLimit);

        Assert.Equal(1, runs);
        Assert.Equal(600, results.Length);
        Assert.All(results, r => Assert.Equal("computed-once", r));
    }

    [Fact]
    public async Task RateLimit_ManyCallersOnThreeClients_AdmitExactlyTheLimit()
    {
        var clients = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => _cluster.NewClientAsync()));
        var id = Guid.NewGuid().ToString("N");

        var decisions = await Task.WhenAll(Enumerable.Range(0, 1500).Select(i => clients[i % 3].Limiter.AcquireAsync(TestPolicies.Wide, id))).WaitAsync(WaitLimit);

        Assert.Equal(1000, decisions.Count(d => d.Allowed));
        Assert.All(decisions, d => Assert.False(d.Degraded));
        Assert.Equal(0, (await clients[0].Limiter.AcquireAsync(TestPolicies.Wide, id, 0)).Remaining);
    }

    [Fact]
    public async Task LeaseHolderGoesAway_NextCallerTakesOverAfterLeaseTimeout()
    {
        var holder = await _cluster.NewClientAsync();
        var other = await _cluster.NewClientAsync();
        var key = CacheTestCluster.NewKey("orphan");
        var options = new GetOrSetOptions { LeaseTimeout = TimeSpan.FromSeconds(10), WaitTimeout = TimeSpan.FromSeconds(60) };
        var holderStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var orphaned = holder.Cache.GetOrSetAsync<string>(key, async ct =>
        {
            holderStarted.SetResult();
            await Task.Delay(Timeout.Infinite, ct);
            return "never";
        }, options);
        await holderStarted.Task.WaitAsync(WaitLimit);

        using var events = GrainEvents.Listen();
        var parked = events.WaitFor(CacheClusterEvents.LeaseWaiting, key);
        var takeoverRuns = 0;
        var waiter = other.Cache.GetOrSetAsync(key, _ =>
        {
            Interlocked.Increment(ref takeoverRuns);
            return Task.FromResult<string?>("from-the-next-caller");
        }, options);
        await parked.WaitAsync(WaitLimit);

        // The holder's application server goes away mid-factory; nothing fills or releases its lease.
        await holder.Host.StopAsync(TimeSpan.FromSeconds(5));
        holder.Host.Dispose();
        Assert.False(waiter.IsCompleted);

        _cluster.Clock.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal("from-the-next-caller", await waiter.WaitAsync(WaitLimit));
        Assert.Equal(1, takeoverRuns);
        Assert.False(orphaned.IsCompletedSuccessfully);
    }
}
