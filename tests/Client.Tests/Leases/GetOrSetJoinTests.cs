using CacheCluster.Diagnostics;
using CacheCluster.Hosting;
using CacheCluster.Internal;
using CacheCluster.Tests.Fixtures;
using Microsoft.Extensions.Options;

namespace CacheCluster.Tests.Leases;

/// <summary>
/// GetOrSet's single flight inside one client: concurrent callers of a key share one lookup and fill, and each keeps
/// its own cancellation, wait timeout and answer to a failing holder (the grain's waiters' rules).
/// </summary>
[Collection(MemoryClusterCollection.Name)]
public sealed class GetOrSetJoinTests(MemoryClusterFixture fixture)
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(30);
    private readonly CacheTestCluster _cluster = fixture.Cluster;

    [Fact]
    public async Task HundredCallersOfOneKey_InOneClient_ShareOneLookup_AndOneFactoryRun()
    {
        var cache = (ClusterCache)CacheTestCluster.NewCache(_cluster.Client);
        var key = CacheTestCluster.NewKey("join");
        var factory = new Factory<string>(run => $"v{run}") { Gated = true };
        using var calls = new GrainCallCounter();

        var callers = Enumerable.Range(0, 100).Select(_ => cache.GetOrSetAsync(key, factory.RunAsync)).ToArray();
        await factory.Started.WaitAsync(WaitLimit);
        Assert.All(callers, c => Assert.False(c.IsCompleted));
        factory.Open();
        var results = await Task.WhenAll(callers).WaitAsync(WaitLimit);

        Assert.All(results, r => Assert.Equal("v1", r));
        Assert.Equal(1, factory.Runs);
        Assert.Equal((1, 1), (calls.Calls("GetOrLease"), calls.Calls("Fill")));
        Assert.Equal(0, cache.GetOrSetFlights.Count);
    }

    [Fact]
    public async Task JoinedCallers_OfAMutableType_EachGetTheirOwnCopy()
    {
        var cache = CacheTestCluster.NewCache(_cluster.Client);
        var key = CacheTestCluster.NewKey("join");
        var factory = new Factory<List<string>>(_ => ["a", "b"]) { Gated = true };

        var first = cache.GetOrSetAsync(key, factory.RunAsync);
        var second = cache.GetOrSetAsync(key, factory.RunAsync);
        var third = cache.GetOrSetAsync(key, factory.RunAsync);
        await factory.Started.WaitAsync(WaitLimit);
        factory.Open();
        var lists = await Task.WhenAll(first, second, third).WaitAsync(WaitLimit);

        Assert.All(lists, list => Assert.Equal(["a", "b"], list!));
        Assert.NotSame(lists[0], lists[1]);
        Assert.NotSame(lists[1], lists[2]);
        Assert.Equal(1, factory.Runs);
    }

    [Fact]
    public async Task LeaderFactoryFails_OneJoinedCallerRetriesWithItsOwnFactory_AndTheOthersGetItsValue()
    {
        var cache = CacheTestCluster.NewCache(_cluster.Client);
        var key = CacheTestCluster.NewKey("join");
        var failing = new Factory<string>(_ => null) { Gated = true, Failure = new InvalidOperationException("first try fails") };
        var second = new Factory<string>(run => $"second-{run}");

        var leader = cache.GetOrSetAsync(key, failing.RunAsync);
        await failing.Started.WaitAsync(WaitLimit);
        var joined = Enumerable.Range(0, 10).Select(_ => cache.GetOrSetAsync(key, second.RunAsync)).ToArray();
        Assert.All(joined, j => Assert.False(j.IsCompleted));
        failing.Open();

        // The leader gets its own factory's error; the joined callers are not told it, they retry as one.
        var error = await Assert.ThrowsAsync<CacheFactoryException>(() => leader.WaitAsync(WaitLimit));
        Assert.Contains("first try fails", error.Message, StringComparison.Ordinal);
        var results = await Task.WhenAll(joined).WaitAsync(WaitLimit);
        Assert.All(results, r => Assert.Equal("second-1", r));
        Assert.Equal((1, 1), (failing.Runs, second.Runs));
    }

    [Fact]
    public async Task LeaderFactoryFails_WaitersFailMode_JoinedCallersGetTheHoldersError()
    {
        var cache = CacheTestCluster.NewCache(_cluster.Client);
        var key = CacheTestCluster.NewKey("join");
        var failing = new Factory<string>(_ => null) { Gated = true, Failure = new InvalidOperationException("database down") };
        var options = new GetOrSetOptions { FillFailureMode = CacheFillFailureMode.WaitersFail };

        var leader = cache.GetOrSetAsync(key, failing.RunAsync, options);
        await failing.Started.WaitAsync(WaitLimit);
        var joined = Enumerable.Range(0, 10).Select(_ => cache.GetOrSetAsync(key, failing.RunAsync, options)).ToArray();
        failing.Open();

        await Assert.ThrowsAsync<CacheFactoryException>(() => leader.WaitAsync(WaitLimit));
        foreach (var caller in joined)
        {
            var error = await Assert.ThrowsAsync<CacheFactoryException>(() => caller.WaitAsync(WaitLimit));
            Assert.StartsWith("The value source failed for the caller holding the key's lease:", error.Message, StringComparison.Ordinal);
            Assert.Contains("database down", error.Message, StringComparison.Ordinal);
        }

        Assert.Equal(1, failing.Runs);
    }

    [Fact]
    public async Task LeaderCancelled_JoinedCallersStillGetTheValue_AndAJoinedCallersCancellationIsItsOwn()
    {
        var cache = CacheTestCluster.NewCache(_cluster.Client);
        var key = CacheTestCluster.NewKey("join");
        var factory = new Factory<string>(_ => "shared") { Gated = true };
        using var leaderCancel = new CancellationTokenSource();
        using var joinedCancel = new CancellationTokenSource();

        var leader = cache.GetOrSetAsync(key, factory.RunAsync, cancellationToken: leaderCancel.Token);
        await factory.Started.WaitAsync(WaitLimit);
        var impatient = cache.GetOrSetAsync(key, factory.RunAsync, cancellationToken: joinedCancel.Token);
        var joined = Enumerable.Range(0, 20).Select(_ => cache.GetOrSetAsync(key, factory.RunAsync)).ToArray();

        await leaderCancel.CancelAsync();
        await joinedCancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => leader.WaitAsync(WaitLimit));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => impatient.WaitAsync(WaitLimit));
        Assert.False(factory.LastToken.IsCancellationRequested);
        Assert.All(joined, j => Assert.False(j.IsCompleted));
        factory.Open();

        var results = await Task.WhenAll(joined).WaitAsync(WaitLimit);
        Assert.All(results, r => Assert.Equal("shared", r));
        Assert.Equal(1, factory.Runs);
    }

    [Fact]
    public async Task AnotherType_OrOtherOptions_AskTheClusterOnTheirOwn()
    {
        var cache = CacheTestCluster.NewCache(_cluster.Client);
        var key = CacheTestCluster.NewKey("join");
        var lists = new Factory<List<string>>(_ => ["a", "b"]) { Gated = true };
        var arrays = new Factory<string[]>(_ => ["x"]);
        using var events = GrainEvents.Listen();
        var parked = events.WaitFor(CacheClusterEvents.LeaseWaiting, key, count: 2);
        using var calls = new GrainCallCounter();

        var first = cache.GetOrSetAsync(key, lists.RunAsync);
        await lists.Started.WaitAsync(WaitLimit);
        var otherType = cache.GetOrSetAsync(key, arrays.RunAsync);
        var otherOptions = cache.GetOrSetAsync(key, lists.RunAsync, new GetOrSetOptions { WaitTimeout = TimeSpan.FromSeconds(20) });

        // Both parked in the key's grain behind the first caller's lease: each sent a lookup of its own.
        await parked.WaitAsync(WaitLimit);
        lists.Open();

        Assert.Equal(["a", "b"], (await first.WaitAsync(WaitLimit))!);
        Assert.Equal(["a", "b"], (await otherType.WaitAsync(WaitLimit))!);
        Assert.Equal(["a", "b"], (await otherOptions.WaitAsync(WaitLimit))!);
        Assert.Equal((1, 0), (lists.Runs, arrays.Runs));
        Assert.Equal(3, calls.Calls("GetOrLease"));
    }

    [Fact]
    public async Task JoinedCaller_HolderSlowerThanItsWaitTimeout_FailsWithLeaseWaitTimeout_AndNeverRunsItsFactory()
    {
        // The client reads cache time too: the joined caller's wait ends on the fake clock.
        var cache = new ClusterCache(_cluster.Client, Options.Create(new CacheClusterClientOptions()), _cluster.Clock);
        var key = CacheTestCluster.NewKey("join");
        var options = new GetOrSetOptions { WaitTimeout = TimeSpan.FromSeconds(2), LeaseTimeout = TimeSpan.FromMinutes(5) };
        var holding = new Factory<string>(_ => "held") { Gated = true };
        var holder = cache.GetOrSetAsync(key, holding.RunAsync, options);
        await holding.Started.WaitAsync(WaitLimit);

        var waiting = new Factory<string>(_ => "joined");
        var joined = cache.GetOrSetAsync(key, waiting.RunAsync, options);
        _cluster.Clock.Advance(options.WaitTimeout);

        var error = await Assert.ThrowsAsync<CacheLeaseWaitTimeoutException>(() => joined.WaitAsync(WaitLimit));
        Assert.Equal(("GetOrSet", "Another caller's fill did not arrive within 2 s."), (error.Operation, error.Message));
        Assert.Equal(0, waiting.Runs);

        // The holder goes on and fills.
        holding.Open();
        Assert.Equal("held", await holder.WaitAsync(WaitLimit));
        Assert.Equal("held", await cache.GetOrSetAsync(key, waiting.RunAsync, options).WaitAsync(WaitLimit));
    }
}
