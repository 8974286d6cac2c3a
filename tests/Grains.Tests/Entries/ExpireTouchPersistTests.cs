using CacheCluster.Tests.Fixtures;

namespace CacheCluster.Tests.Entries;

/// <summary>Expire, Persist and Touch as versioned writes, through the client and on the grain, values and lists.</summary>
[Collection(MemoryClusterCollection.Name)]
public sealed class ExpireTouchPersistTests(MemoryClusterFixture fixture)
{
    private readonly CacheTestCluster _cluster = fixture.Cluster;

    private IClusterCache Cache => _cluster.Cache;

    private async Task<long> VersionOf(string key) => (await Cache.GetInfoAsync(key))!.Version;

    [Fact]
    public async Task Expire_ExistingKey_SetsNewHardExpiry_AsNewVersion()
    {
        var key = CacheTestCluster.NewKey();
        var written = (await Cache.SetAsync(key, "v")).Version;

        Assert.True(await Cache.ExpireAsync(key, TimeSpan.FromSeconds(30)));

        Assert.Equal(written + 1, await VersionOf(key));
        Assert.Equal(new CacheTimeToLive { Exists = true, TimeToLive = TimeSpan.FromSeconds(30) }, await Cache.GetTimeToLiveAsync(key));
        Assert.Equal("v", (await Cache.TryGetAsync<string>(key)).Value);
        _cluster.Clock.Advance(TimeSpan.FromSeconds(29));
        Assert.True(await Cache.ExistsAsync(key));
        _cluster.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.False(await Cache.ExistsAsync(key));
    }

    [Fact]
    public async Task Expire_MissingKey_ReturnsFalse_AndCreatesNothing()
    {
        var key = CacheTestCluster.NewKey();

        Assert.False(await Cache.ExpireAsync(key, TimeSpan.FromSeconds(30)));

        Assert.False(await Cache.ExistsAsync(key));
    }

    [Fact]
    public async Task Expire_ZeroOrNegative_RemovesTheKey_AsRedisDoes()
    {
        var key = CacheTestCluster.NewKey();
        var other = CacheTestCluster.NewKey();
        await Cache.SetAsync(key, "v", new CacheEntryOptions { TimeToLive = TimeSpan.FromMinutes(5) });
        await Cache.SetAsync(other, "v");

        Assert.True(await Cache.ExpireAsync(key, TimeSpan.Zero));
        Assert.True(await Cache.ExpireAsync(other, TimeSpan.FromSeconds(-1)));

        Assert.False(await Cache.ExistsAsync(key));
        Assert.False(await Cache.ExistsAsync(other));
        Assert.False(await Cache.ExpireAsync(key, TimeSpan.Zero));
    }

    [Fact]
    public async Task Expire_ShorterThanSoftExpiry_CapsTheSoftExpiry()
    {
        var key = CacheTestCluster.NewKey();
        await Cache.SetAsync(key, "v", new CacheEntryOptions { TimeToLive = TimeSpan.FromSeconds(100), FreshFor = TimeSpan.FromSeconds(50) });

        await Cache.ExpireAsync(key, TimeSpan.FromSeconds(10));

        Assert.Equal(new CacheTimeToLive { Exists = true, TimeToLive = TimeSpan.FromSeconds(10), FreshFor = TimeSpan.FromSeconds(10) }, await Cache.GetTimeToLiveAsync(key));
    }

    [Fact]
    public async Task Expire_OverTheMaximum_IsATypedError_AndChangesNothing()
    {
        var key = CacheTestCluster.NewKey();
        var written = (await Cache.SetAsync(key, "v", new CacheEntryOptions { TimeToLive = TimeSpan.FromSeconds(60) })).Version;
        var tooLong = CacheEntryOptions.MaxTimeToLive + TimeSpan.FromTicks(1);

        var fromClient = await Assert.ThrowsAsync<InvalidCacheOptionsException>(() => Cache.ExpireAsync(key, tooLong));
        var fromGrain = await Assert.ThrowsAsync<InvalidCacheOptionsException>(() => _cluster.Grain(key).ExpireAsync(TimeSpan.MaxValue));

        Assert.Equal("Expire", fromClient.Operation);
        Assert.Equal("Expire", fromGrain.Operation);
        Assert.Equal(written, await VersionOf(key));
        Assert.Equal(TimeSpan.FromSeconds(60), (await Cache.GetTimeToLiveAsync(key)).TimeToLive);
    }

    [Fact]
    public async Task Operations_OnAnInvalidKey_AreTypedErrors()
    {
        var key = new string('k', 2000);

        await Assert.ThrowsAsync<InvalidCacheKeyException>(() => Cache.ExpireAsync(key, TimeSpan.FromSeconds(1)));
        await Assert.ThrowsAsync<InvalidCacheKeyException>(() => Cache.TouchAsync(key));
        await Assert.ThrowsAsync<InvalidCacheKeyException>(() => Cache.PersistAsync(key));
        await Assert.ThrowsAsync<InvalidCacheKeyException>(() => Cache.GetAndTouchBytesAsync(""));
    }

    [Fact]
    public async Task Persist_RemovesEveryExpiry_AsNewVersion_ThenHasNothingToRemove()
    {
        var key = CacheTestCluster.NewKey();
        var written = (await Cache.SetAsync(key, "v", new CacheEntryOptions { TimeToLive = TimeSpan.FromSeconds(10) })).Version;

        Assert.True(await Cache.PersistAsync(key));
        Assert.False(await Cache.PersistAsync(key));

        Assert.Equal(written + 1, await VersionOf(key));
        Assert.Equal(new CacheTimeToLive { Exists = true }, await Cache.GetTimeToLiveAsync(key));
        _cluster.Clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(CacheEntryState.Fresh, (await Cache.TryGetAsync<string>(key)).State);
    }

    [Fact]
    public async Task Persist_KeyWithoutExpiry_OrMissing_ReturnsFalse()
    {
        var key = CacheTestCluster.NewKey();
        var written = (await Cache.SetAsync(key, "v")).Version;

        Assert.False(await Cache.PersistAsync(key));
        Assert.False(await Cache.PersistAsync(CacheTestCluster.NewKey()));

        Assert.Equal(written, await VersionOf(key));
    }

    [Fact]
    public async Task Persist_SlidingEntry_DropsTheWindow()
    {
        var key = CacheTestCluster.NewKey();
        await Cache.SetAsync(key, "v", new CacheEntryOptions { SlidingExpiration = TimeSpan.FromSeconds(10) });

        Assert.True(await Cache.PersistAsync(key));

        var info = (await Cache.GetInfoAsync(key))!;
        Assert.Null(info.SlidingExpiration);
        Assert.Null(info.ExpiresAt);
        Assert.Null(info.FreshUntil);
    }

    [Fact]
    public async Task Touch_EntryWithoutSlidingWindow_ReturnsTrue_AndChangesNothing()
    {
        var key = CacheTestCluster.NewKey();
        var written = (await Cache.SetAsync(key, "v", new CacheEntryOptions { TimeToLive = TimeSpan.FromSeconds(60) })).Version;
        _cluster.Clock.Advance(TimeSpan.FromSeconds(20));

        Assert.True(await Cache.TouchAsync(key));

        Assert.Equal(written, await VersionOf(key));
        Assert.Equal(TimeSpan.FromSeconds(40), (await Cache.GetTimeToLiveAsync(key)).TimeToLive);
    }

    [Fact]
    public async Task Touch_MissingKey_ReturnsFalse()
    {
        Assert.False(await Cache.TouchAsync(CacheTestCluster.NewKey()));
    }

    [Fact]
    public async Task Expire_OnSlidingEntry_ReplacesTheWindowWithAFixedExpiry()
    {
        var key = CacheTestCluster.NewKey();
        await Cache.SetAsync(key, "v", new CacheEntryOptions { SlidingExpiration = TimeSpan.FromSeconds(10), TimeToLive = TimeSpan.FromMinutes(10) });

        await Cache.ExpireAsync(key, TimeSpan.FromSeconds(100));
        var version = await VersionOf(key);
        _cluster.Clock.Advance(TimeSpan.FromSeconds(50));
        Assert.True(await Cache.TouchAsync(key));

        var info = (await Cache.GetInfoAsync(key))!;
        Assert.Null(info.SlidingExpiration);
        Assert.Null(info.AbsoluteExpiresAt);
        Assert.Equal(version, info.Version);
        Assert.Equal(TimeSpan.FromSeconds(50), (await Cache.GetTimeToLiveAsync(key)).TimeToLive);
    }

    [Fact]
    public async Task List_ExpirePersistAndTouch_WorkOnLists()
    {
        var key = CacheTestCluster.NewKey();
        await Cache.ListPushAsync(key, ListEnd.Tail, ["a", "b"], new CacheEntryOptions { SlidingExpiration = TimeSpan.FromSeconds(10) });

        _cluster.Clock.Advance(TimeSpan.FromSeconds(6));
        Assert.True(await Cache.TouchAsync(key));
        Assert.Equal(TimeSpan.FromSeconds(10), (await Cache.GetTimeToLiveAsync(key)).TimeToLive);
        Assert.True(await Cache.ExpireAsync(key, TimeSpan.FromSeconds(30)));
        Assert.Equal(TimeSpan.FromSeconds(30), (await Cache.GetTimeToLiveAsync(key)).TimeToLive);
        Assert.True(await Cache.PersistAsync(key));
        Assert.Null((await Cache.GetTimeToLiveAsync(key)).TimeToLive);

        Assert.Equal(["a", "b"], await Cache.ListRangeAsync<string>(key));
        Assert.Equal(CacheEntryKind.List, (await Cache.GetInfoAsync(key))!.Kind);
    }

    [Fact]
    public async Task SessionList_PushThenRenew24Hours_LivesWhilePushesContinue_GoneADayAfterTheLast()
    {
        var key = CacheTestCluster.NewKey("session");
        var day = TimeSpan.FromHours(24);

        for (var push = 0; push < 4; push++)
        {
            await Cache.ListPushAsync(key, ListEnd.Tail, [$"event-{push}"]);
            Assert.True(await Cache.ExpireAsync(key, day));
            _cluster.Clock.Advance(TimeSpan.FromHours(23));
            Assert.Equal(push + 1, await Cache.ListLengthAsync(key));
        }

        // 92 hours after the first push, 23 hours after the last: still there, until 24 hours after the last.
        _cluster.Clock.Advance(TimeSpan.FromHours(1) - TimeSpan.FromTicks(1));
        Assert.Equal(["event-0", "event-1", "event-2", "event-3"], await Cache.ListRangeAsync<string>(key));
        _cluster.Clock.Advance(TimeSpan.FromTicks(1));
        Assert.Equal(0, await Cache.ListLengthAsync(key));
        Assert.False(await Cache.ExistsAsync(key));
    }
}
