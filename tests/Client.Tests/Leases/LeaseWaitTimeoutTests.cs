using CacheCluster.Diagnostics;
using CacheCluster.Hosting;
using CacheCluster.Internal;
using CacheCluster.Tests.Fixtures;
using Microsoft.Extensions.Options;

namespace CacheCluster.Tests.Leases;

/// <summary>A GetOrSet waiter whose lease holder never fills: the wait ends on cache time, with the typed error.</summary>
[Collection(MemoryClusterCollection.Name)]
public sealed class LeaseWaitTimeoutTests(MemoryClusterFixture fixture)
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(30);

    private readonly CacheTestCluster _cluster = fixture.Cluster;

    [Fact]
    public async Task GetOrSet_HolderDoesNotFillWithinWaitTimeout_WaiterFailsWithLeaseWaitTimeout_AndNeverRunsItsFactory()
    {
        // The client reads cache time too, so the whole wait (the grain's and the client's) is on the fake clock.
        var cache = new ClusterCache(_cluster.Client, Options.Create(new CacheClusterClientOptions()), _cluster.Clock);
        var key = CacheTestCluster.NewKey("lease-wait");

        // The lease outlives the wait, so the waiter cannot inherit it: it can only time out.
        var options = new GetOrSetOptions { WaitTimeout = TimeSpan.FromSeconds(2), LeaseTimeout = TimeSpan.FromMinutes(5) };
        var holding = new Factory<string>(_ => "held") { Gated = true };
        var holder = cache.GetOrSetAsync(key, holding.RunAsync, options);
        await holding.Started.WaitAsync(WaitLimit);

        using var events = GrainEvents.Listen();
        var parked = events.WaitFor(CacheClusterEvents.LeaseWaiting, key);
        var waiting = new Factory<string>(_ => "waiter");

        // A client of its own, so that it waits in the grain rather than joining the holder's lookup in its client.
        var other = new ClusterCache(_cluster.Client, Options.Create(new CacheClusterClientOptions()), _cluster.Clock);
        var waiter = other.GetOrSetAsync(key, waiting.RunAsync, options);
        await parked.WaitAsync(WaitLimit);

        // The event is written as the waiter parks, just before it arms its timer on the fake clock. A call to the same
        // grain runs only once that turn has yielded, so when it returns the timer is armed and the advance reaches it.
        Assert.False(await cache.ExistsAsync(key));
        _cluster.Clock.Advance(options.WaitTimeout);

        var error = await Assert.ThrowsAsync<CacheLeaseWaitTimeoutException>(() => waiter.WaitAsync(WaitLimit));
        Assert.Equal(("GetOrSet", "Another caller's fill did not arrive within 2 s."), (error.Operation, error.Message));
        Assert.Equal(0, waiting.Runs);

        // The holder's lease still stands: its fill lands, and the next caller gets that value without computing.
        holding.Open();
        Assert.Equal("held", await holder.WaitAsync(WaitLimit));
        Assert.Equal("held", await cache.GetOrSetAsync(key, waiting.RunAsync, options).WaitAsync(WaitLimit));
        Assert.Equal((1, 0), (holding.Runs, waiting.Runs));
    }
}
