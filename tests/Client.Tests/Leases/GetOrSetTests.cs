using CacheCluster.Diagnostics;
using CacheCluster.Tests.Fixtures;

namespace CacheCluster.Tests.Leases;

/// <summary>Single flight, stale-while-revalidate, stale-set protection and fail-safe on one multi-silo cluster.</summary>
[Collection(MemoryClusterCollection.Name)]
public sealed class GetOrSetTests(MemoryClusterFixture fixture)
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(30);
    private readonly CacheTestCluster _cluster = fixture.Cluster;

    private IClusterCache Cache => _cluster.Cache;

    [Fact]
    public async Task ColdKey_RunsFactoryOnce_AndStoresValue()
    {
        var key = CacheTestCluster.NewKey();
        var factory = new Factory<string>(run => $"v{run}");

        var first = await Cache.GetOrSetAsync(key, factory.RunAsync, new GetOrSetOptions { Entry = new CacheEntryOptions { TimeToLive = TimeSpan.FromMinutes(5) } });
        var second = await Cache.GetOrSetAsync(key, factory.RunAsync);

        Assert.Equal("v1", first);
        Assert.Equal("v1", second);
        Assert.Equal(1, factory.Runs);
        Assert.Equal(TimeSpan.FromMinutes(5), (await Cache.GetTimeToLiveAsync(key)).TimeToLive);
    }

    [Fact]
    public async Task ConcurrentCallers_WaitInGrain_AndAllGetTheOneValue()
    {
        var key = CacheTestCluster.NewKey();
        var factory = new Factory<string>(run => $"v{run}") { Gated = true };
        // Each waiter is a client of its own: callers in one client would join the holder's lookup in the client and
        // never reach the grain (GetOrSetJoinTests).
        var caches = Enumerable.Range(0, 200).Select(_ => CacheTestCluster.NewCache(_cluster.Client)).ToArray();

        using var events = GrainEvents.Listen();
        var parked = events.WaitFor(CacheClusterEvents.LeaseWaiting, key, count: 200);

        var holder = Cache.GetOrSetAsync(key, factory.RunAsync);
        await factory.Started.WaitAsync(WaitLimit);
        var waiters = caches.Select(cache => cache.GetOrSetAsync(key, factory.RunAsync)).ToArray();

        // Every one of the 200 is parked in the grain (the event is written in the turn that parks it) before the
        // value lands: single flight is shown under contention, not after the fact.
        await parked.WaitAsync(WaitLimit);
        Assert.All(waiters, w => Assert.False(w.IsCompleted));
        factory.Open();

        var results = await Task.WhenAll(waiters.Append(holder)).WaitAsync(WaitLimit);

        Assert.All(results, r => Assert.Equal("v1", r));
        Assert.Equal(1, factory.Runs);
    }

    [Fact]
    public async Task StaleValue_ReturnsAtOnce_AndExactlyOneBackgroundRefresh()
    {
        var key = CacheTestCluster.NewKey();
        var options = new GetOrSetOptions { Entry = new CacheEntryOptions { TimeToLive = TimeSpan.FromMinutes(5), FreshFor = TimeSpan.FromSeconds(10) } };
        await Cache.GetOrSetAsync(key, _ => Task.FromResult<string?>("old"), options);
        _cluster.Clock.Advance(TimeSpan.FromSeconds(11));
        var refresh = new Factory<string>(_ => "new") { Gated = true };

        // The refresh is held at its gate: every caller still gets the stale value without waiting for it.
        var reads = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Cache.GetOrSetAsync(key, refresh.RunAsync, options))).WaitAsync(WaitLimit);
        await refresh.Started.WaitAsync(WaitLimit);

        Assert.All(reads, r => Assert.Equal("old", r));
        Assert.Equal(1, refresh.Runs);

        // A caller that insists on a fresh value waits inside the grain for the one refresh, and gets it.
        refresh.Open();
        var fresh = await Cache.GetOrSetAsync(key, refresh.RunAsync, options with { AllowStale = false }).WaitAsync(WaitLimit);

        Assert.Equal("new", fresh);
        Assert.Equal(1, refresh.Runs);
        Assert.Equal(CacheEntryState.Fresh, (await Cache.TryGetAsync<string>(key)).State);
    }

    [Fact]
    public async Task InvalidationDuringFill_RejectsTheFill_AndNextReadRecomputes()
    {
        var key = CacheTestCluster.NewKey();
        var before = new Factory<string>(_ => "computed-before-invalidation") { Gated = true };
        var holder = Cache.GetOrSetAsync(key, before.RunAsync);
        await before.Started.WaitAsync(WaitLimit);

        Assert.False(await Cache.RemoveAsync(key));
        before.Open();

        // The holder still gets what it computed, but the voided lease keeps it out of the cache.
        Assert.Equal("computed-before-invalidation", await holder.WaitAsync(WaitLimit));
        Assert.False((await Cache.TryGetAsync<string>(key)).Found);

        var after = await Cache.GetOrSetAsync(key, _ => Task.FromResult<string?>("computed-after"));
        Assert.Equal("computed-after", after);
    }

    [Fact]
    public async Task OverwriteDuringRefresh_RejectsTheRefresh()
    {
        var key = CacheTestCluster.NewKey();
        var options = new GetOrSetOptions { Entry = new CacheEntryOptions { TimeToLive = TimeSpan.FromMinutes(5), FreshFor = TimeSpan.FromSeconds(10) } };
        await Cache.GetOrSetAsync(key, _ => Task.FromResult<string?>("v1"), options);
        _cluster.Clock.Advance(TimeSpan.FromSeconds(11));
        var refresh = new Factory<string>(_ => "stale-refresh") { Gated = true };
        Assert.Equal("v1", await Cache.GetOrSetAsync(key, refresh.RunAsync, options));
        await refresh.Started.WaitAsync(WaitLimit);

        await Cache.SetAsync(key, "written-by-app", new CacheEntryOptions { TimeToLive = TimeSpan.FromMinutes(5) });
        refresh.Open();
        var read = await Cache.GetOrSetAsync(key, refresh.RunAsync, options with { AllowStale = false });

        Assert.Equal("written-by-app", read);
        Assert.Equal("written-by-app", (await Cache.TryGetAsync<string>(key)).Value);
    }

    [Fact]
    public async Task FailingRefresh_ServesStale_AndRetriesOncePerThrottle()
    {
        var key = CacheTestCluster.NewKey();
        var options = new GetOrSetOptions { Entry = new CacheEntryOptions { TimeToLive = TimeSpan.FromMinutes(10), FreshFor = TimeSpan.FromSeconds(10) }, FailSafeThrottle = TimeSpan.FromSeconds(30) };
        await Cache.GetOrSetAsync(key, _ => Task.FromResult<string?>("good"), options);
        _cluster.Clock.Advance(TimeSpan.FromSeconds(11));
        var failing = new Factory<string>(_ => null) { Failure = new InvalidOperationException("database down") };

        Assert.Equal("good", await Cache.GetOrSetAsync(key, failing.RunAsync, options));
        await failing.Started.WaitAsync(WaitLimit);

        // Until the throttle passes, nobody in the cluster tries again, and everyone gets the stale value.
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal("good", await Cache.GetOrSetAsync(key, failing.RunAsync, options with { AllowStale = i % 2 == 0 }));
        }

        Assert.Equal(1, failing.Runs);

        _cluster.Clock.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal("good", await Cache.GetOrSetAsync(key, failing.RunAsync, options));
        Assert.Equal("good", await Cache.GetOrSetAsync(key, failing.RunAsync, options with { AllowStale = false }));
        Assert.Equal(2, failing.Runs);
    }

    [Fact]
    public async Task FailingFill_WithNoValue_ReachesTheHolder()
    {
        var key = CacheTestCluster.NewKey();
        var failing = new Factory<string>(_ => null) { Failure = new InvalidOperationException("database down") };

        var error = await Assert.ThrowsAsync<CacheFactoryException>(() => Cache.GetOrSetAsync(key, failing.RunAsync));

        Assert.IsType<InvalidOperationException>(error.InnerException);
        Assert.Contains("database down", error.Message, StringComparison.Ordinal);
        Assert.False(await Cache.ExistsAsync(key));
    }

    [Fact]
    public async Task FailingFill_WaitersFailMode_WaitersGetTheError()
    {
        var key = CacheTestCluster.NewKey();
        var failing = new Factory<string>(_ => null) { Gated = true, Failure = new InvalidOperationException("database down") };
        var options = new GetOrSetOptions { FillFailureMode = CacheFillFailureMode.WaitersFail };
        using var events = GrainEvents.Listen();
        var parked = events.WaitFor(CacheClusterEvents.LeaseWaiting, key, count: 10);
        var holder = Cache.GetOrSetAsync(key, failing.RunAsync, options);
        await failing.Started.WaitAsync(WaitLimit);
        var waiters = Enumerable.Range(0, 10).Select(_ => CacheTestCluster.NewCache(_cluster.Client).GetOrSetAsync(key, failing.RunAsync, options)).ToArray();
        await parked.WaitAsync(WaitLimit);

        failing.Open();

        await Assert.ThrowsAsync<CacheFactoryException>(() => holder);
        foreach (var waiter in waiters)
        {
            var error = await Assert.ThrowsAsync<CacheFactoryException>(() => waiter.WaitAsync(WaitLimit));
            Assert.Contains("database down", error.Message, StringComparison.Ordinal);
        }

        Assert.Equal(1, failing.Runs);
    }

    [Fact]
    public async Task FailingFill_NextWaiterRetries_OneWaiterTakesOver()
    {
        var key = CacheTestCluster.NewKey();
        var failing = new Factory<string>(_ => null) { Gated = true, Failure = new InvalidOperationException("first try fails") };
        using var events = GrainEvents.Listen();
        var parked = events.WaitFor(CacheClusterEvents.LeaseWaiting, key, count: 10);
        var holder = Cache.GetOrSetAsync(key, failing.RunAsync);
        await failing.Started.WaitAsync(WaitLimit);
        var second = new Factory<string>(run => $"second-{run}");
        var waiters = Enumerable.Range(0, 10).Select(_ => CacheTestCluster.NewCache(_cluster.Client).GetOrSetAsync(key, second.RunAsync)).ToArray();
        await parked.WaitAsync(WaitLimit);

        failing.Open();

        await Assert.ThrowsAsync<CacheFactoryException>(() => holder);
        var results = await Task.WhenAll(waiters).WaitAsync(WaitLimit);
        Assert.All(results, r => Assert.Equal("second-1", r));
        Assert.Equal(1, second.Runs);
    }

    [Fact]
    public async Task EagerRefresh_RefreshesOnceBeforeStale()
    {
        var key = CacheTestCluster.NewKey();
        var options = new GetOrSetOptions { Entry = new CacheEntryOptions { TimeToLive = TimeSpan.FromMinutes(5), FreshFor = TimeSpan.FromSeconds(10) }, EagerRefreshThreshold = 0.8 };
        await Cache.GetOrSetAsync(key, _ => Task.FromResult<string?>("v1"), options);
        var refresh = new Factory<string>(run => $"v{run + 1}") { Gated = true };

        _cluster.Clock.Advance(TimeSpan.FromSeconds(7));
        Assert.Equal("v1", await Cache.GetOrSetAsync(key, refresh.RunAsync, options));
        Assert.Equal(0, refresh.Runs);

        _cluster.Clock.Advance(TimeSpan.FromSeconds(1.5));
        var reads = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Cache.GetOrSetAsync(key, refresh.RunAsync, options)));
        await refresh.Started.WaitAsync(WaitLimit);

        Assert.All(reads, r => Assert.Equal("v1", r));
        Assert.Equal(CacheEntryState.Fresh, (await Cache.TryGetAsync<string>(key)).State);
        using var events = GrainEvents.Listen();
        var filled = events.WaitFor(CacheClusterEvents.LeaseFilled, key);
        refresh.Open();
        await filled.WaitAsync(WaitLimit);
        Assert.Equal("v2", (await Cache.TryGetAsync<string>(key)).Value);
        Assert.Equal(1, refresh.Runs);
    }

    [Fact]
    public async Task FactoryHardTimeout_FailsTheHolder_AndReleasesTheLease()
    {
        var key = CacheTestCluster.NewKey();
        var stuck = new Factory<string>(_ => "never") { Gated = true };

        await Assert.ThrowsAsync<CacheFactoryTimeoutException>(
            () => Cache.GetOrSetAsync(key, stuck.RunAsync, new GetOrSetOptions { FactoryHardTimeout = TimeSpan.FromMilliseconds(50) }));

        Assert.True(stuck.LastToken.IsCancellationRequested);
        Assert.Equal("next", await Cache.GetOrSetAsync(key, _ => Task.FromResult<string?>("next")).WaitAsync(WaitLimit));
    }

    [Fact]
    public async Task FactorySoftTimeout_ReturnsStale_AndFinishesInBackground()
    {
        var key = CacheTestCluster.NewKey();
        var options = new GetOrSetOptions { Entry = new CacheEntryOptions { TimeToLive = TimeSpan.FromMinutes(5), FreshFor = TimeSpan.FromSeconds(10) } };
        await Cache.GetOrSetAsync(key, _ => Task.FromResult<string?>("old"), options);
        _cluster.Clock.Advance(TimeSpan.FromSeconds(11));
        var slow = new Factory<string>(_ => "new") { Gated = true };

        var answer = await Cache.GetOrSetAsync(key, slow.RunAsync, options with { AllowStale = false, FactorySoftTimeout = TimeSpan.FromMilliseconds(50) }).WaitAsync(WaitLimit);
        Assert.Equal("old", answer);

        slow.Open();
        Assert.Equal("new", await Cache.GetOrSetAsync(key, slow.RunAsync, options with { AllowStale = false }).WaitAsync(WaitLimit));
        Assert.Equal(1, slow.Runs);
    }

    [Fact]
    public async Task CancellingTheHolder_DoesNotCancelTheSharedComputation()
    {
        var key = CacheTestCluster.NewKey();
        var factory = new Factory<string>(_ => "shared") { Gated = true };
        using var cancel = new CancellationTokenSource();
        var holder = Cache.GetOrSetAsync(key, factory.RunAsync, cancellationToken: cancel.Token);
        await factory.Started.WaitAsync(WaitLimit);
        var waiter = CacheTestCluster.NewCache(_cluster.Client).GetOrSetAsync(key, factory.RunAsync);

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => holder);
        Assert.False(factory.LastToken.IsCancellationRequested);
        factory.Open();

        Assert.Equal("shared", await waiter.WaitAsync(WaitLimit));
        Assert.Equal(1, factory.Runs);
    }

    [Fact]
    public async Task NullResult_IsCachedOnlyWhenAsked()
    {
        var key = CacheTestCluster.NewKey();
        var none = new Factory<string>(_ => null);

        Assert.Null(await Cache.GetOrSetAsync(key, none.RunAsync));
        Assert.Null(await Cache.GetOrSetAsync(key, none.RunAsync));
        Assert.Equal(2, none.Runs);
        Assert.False(await Cache.ExistsAsync(key));

        var negative = new GetOrSetOptions { CacheNegativeResults = true, NegativeTimeToLive = TimeSpan.FromSeconds(30) };
        Assert.Null(await Cache.GetOrSetAsync(key, none.RunAsync, negative));
        Assert.Null(await Cache.GetOrSetAsync(key, none.RunAsync, negative));
        Assert.Equal(3, none.Runs);
        Assert.False((await Cache.TryGetAsync<string>(key)).Found);

        _cluster.Clock.Advance(TimeSpan.FromSeconds(31));
        Assert.Null(await Cache.GetOrSetAsync(key, none.RunAsync, negative));
        Assert.Equal(4, none.Runs);
    }

    [Fact]
    public async Task StaleSet_WithVoidedToken_IsRejectedByGrain()
    {
        var key = CacheTestCluster.NewKey();
        var grain = _cluster.Grain(key);
        var lookup = await grain.GetOrLeaseAsync(new CacheLeaseRequest());
        Assert.Equal(CacheLookupOutcome.LeaseGranted, lookup.Outcome);

        await grain.DeleteAsync();
        var fill = await grain.FillAsync(lookup.Lease!.Value.Token, new CacheValue([1]), null);
        var forged = await grain.FillAsync(12345, new CacheValue([2]), null);

        Assert.Equal(CacheWriteOutcome.LeaseVoided, fill.Outcome);
        Assert.Equal(CacheWriteOutcome.LeaseVoided, forged.Outcome);
        Assert.False(await grain.ExistsAsync());
    }

    [Fact]
    public async Task ExpiredLease_PassesToNextCaller_AndOldTokenStillVoidOnceRetaken()
    {
        var key = CacheTestCluster.NewKey();
        var grain = _cluster.Grain(key);
        var first = await grain.GetOrLeaseAsync(new CacheLeaseRequest { LeaseTimeout = TimeSpan.FromSeconds(5) });
        var busy = await grain.GetOrLeaseAsync(new CacheLeaseRequest());
        Assert.Equal(CacheLookupOutcome.WaitTimedOut, busy.Outcome);

        _cluster.Clock.Advance(TimeSpan.FromSeconds(6));
        var second = await grain.GetOrLeaseAsync(new CacheLeaseRequest());

        Assert.Equal(CacheLookupOutcome.LeaseGranted, second.Outcome);
        Assert.NotEqual(first.Lease!.Value.Token, second.Lease!.Value.Token);
        Assert.Equal(CacheWriteOutcome.LeaseVoided, (await grain.FillAsync(first.Lease.Value.Token, new CacheValue([1]), null)).Outcome);
        Assert.Equal(CacheWriteOutcome.Created, (await grain.FillAsync(second.Lease.Value.Token, new CacheValue([2]), null)).Outcome);
    }

    [Fact]
    public async Task BadOptions_AreRejected()
    {
        var key = CacheTestCluster.NewKey();

        await Assert.ThrowsAsync<InvalidCacheOptionsException>(() => Cache.GetOrSetAsync(key, _ => Task.FromResult<string?>("x"), new GetOrSetOptions { EagerRefreshThreshold = 1.5 }));
        await Assert.ThrowsAsync<InvalidCacheOptionsException>(() => Cache.GetOrSetAsync(key, _ => Task.FromResult<string?>("x"), new GetOrSetOptions { LeaseTimeout = TimeSpan.Zero }));
        await Assert.ThrowsAsync<InvalidCacheOptionsException>(() => Cache.GetOrSetAsync(key, _ => Task.FromResult<string?>("x"), new GetOrSetOptions { FactorySoftTimeout = TimeSpan.FromSeconds(2), FactoryHardTimeout = TimeSpan.FromSeconds(1) }));
        await Assert.ThrowsAsync<InvalidCacheOptionsException>(() => _cluster.Grain(key).GetOrLeaseAsync(new CacheLeaseRequest { Wait = TimeSpan.FromMinutes(5) }));
        Assert.False(await Cache.ExistsAsync(key));
    }
}
