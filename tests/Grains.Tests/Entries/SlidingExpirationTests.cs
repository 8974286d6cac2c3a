using CacheCluster.Tests.Fixtures;

namespace CacheCluster.Tests.Entries;

/// <summary>Sliding expiration: the window, its absolute cap, touches by command and by read, and across writes.</summary>
[Collection(MemoryClusterCollection.Name)]
public sealed class SlidingExpirationTests(MemoryClusterFixture fixture)
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(10);

    private readonly CacheTestCluster _cluster = fixture.Cluster;

    private IClusterCache Cache => _cluster.Cache;

    private async Task<long> VersionOf(string key) => (await Cache.GetInfoAsync(key))!.Version;

    [Fact]
    public async Task Write_HardExpiryIsTheSoonerOfWindowAndCap_AndInfoShowsBoth()
    {
        var key = CacheTestCluster.NewKey();
        var capped = CacheTestCluster.NewKey();
        var start = _cluster.Clock.GetUtcNow();

        await Cache.SetAsync(key, "v", new CacheEntryOptions { SlidingExpiration = Window, TimeToLive = TimeSpan.FromSeconds(25) });
        await Cache.SetAsync(capped, "v", new CacheEntryOptions { SlidingExpiration = Window, TimeToLive = TimeSpan.FromSeconds(4) });

        var info = (await Cache.GetInfoAsync(key))!;
        Assert.Equal(Window, info.SlidingExpiration);
        Assert.Equal(start + Window, info.ExpiresAt);
        Assert.Equal(start + TimeSpan.FromSeconds(5), info.FreshUntil);
        Assert.Equal(start + TimeSpan.FromSeconds(25), info.AbsoluteExpiresAt);
        Assert.Equal(start + TimeSpan.FromSeconds(4), (await Cache.GetInfoAsync(capped))!.ExpiresAt);
    }

    [Fact]
    public async Task Touch_SlidesTheWindow_UpToTheAbsoluteCap_ThenChangesNothing()
    {
        var key = CacheTestCluster.NewKey();
        var written = (await Cache.SetAsync(key, "v", new CacheEntryOptions { SlidingExpiration = Window, TimeToLive = TimeSpan.FromSeconds(25) })).Version;

        _cluster.Clock.Advance(TimeSpan.FromSeconds(8));
        Assert.True(await Cache.TouchAsync(key));
        Assert.Equal(Window, (await Cache.GetTimeToLiveAsync(key)).TimeToLive);
        Assert.Equal(written + 1, await VersionOf(key));

        _cluster.Clock.Advance(TimeSpan.FromSeconds(8));
        Assert.True(await Cache.TouchAsync(key));
        Assert.Equal(TimeSpan.FromSeconds(9), (await Cache.GetTimeToLiveAsync(key)).TimeToLive);
        Assert.Equal(written + 2, await VersionOf(key));

        _cluster.Clock.Advance(TimeSpan.FromSeconds(8));
        Assert.True(await Cache.TouchAsync(key));
        Assert.Equal(TimeSpan.FromSeconds(1), (await Cache.GetTimeToLiveAsync(key)).TimeToLive);
        Assert.Equal(written + 2, await VersionOf(key));

        _cluster.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.False(await Cache.TouchAsync(key));
        Assert.False(await Cache.ExistsAsync(key));
    }

    [Fact]
    public async Task Touch_MovesTheSoftExpiryByAsMuch_NeverPastTheHardExpiry()
    {
        var key = CacheTestCluster.NewKey();
        await Cache.SetAsync(key, "v", new CacheEntryOptions { SlidingExpiration = Window, FreshFor = TimeSpan.FromSeconds(4), TimeToLive = TimeSpan.FromSeconds(13) });

        _cluster.Clock.Advance(TimeSpan.FromSeconds(6));
        Assert.Equal(CacheEntryState.Stale, (await Cache.TryGetAsync<string>(key)).State);
        await Cache.TouchAsync(key);
        Assert.Equal(new CacheTimeToLive { Exists = true, TimeToLive = TimeSpan.FromSeconds(7), FreshFor = TimeSpan.FromSeconds(1) }, await Cache.GetTimeToLiveAsync(key));

        _cluster.Clock.Advance(TimeSpan.FromSeconds(2));
        await Cache.TouchAsync(key);
        Assert.Equal(new CacheTimeToLive { Exists = true, TimeToLive = TimeSpan.FromSeconds(5), FreshFor = TimeSpan.Zero }, await Cache.GetTimeToLiveAsync(key));
    }

    [Fact]
    public async Task PlainReads_DoNotSlide_TheEntryGoesAWindowAfterItsWrite()
    {
        var key = CacheTestCluster.NewKey();
        await Cache.SetAsync(key, "v", new CacheEntryOptions { SlidingExpiration = Window });

        _cluster.Clock.Advance(TimeSpan.FromSeconds(9));
        Assert.True((await Cache.TryGetBytesAsync(key)).Found);
        Assert.True(await Cache.ExistsAsync(key));
        _cluster.Clock.Advance(TimeSpan.FromSeconds(1));

        Assert.False((await Cache.TryGetBytesAsync(key)).Found);
    }

    [Fact]
    public async Task GetAndTouch_ReadsAndSlides_InOneCall()
    {
        var key = CacheTestCluster.NewKey();
        var written = (await Cache.SetAsync(key, "v", new CacheEntryOptions { SlidingExpiration = Window })).Version;
        var stored = (await Cache.TryGetBytesAsync(key)).Value!.Data;

        for (var i = 1; i <= 3; i++)
        {
            _cluster.Clock.Advance(TimeSpan.FromSeconds(9));
            var read = await Cache.GetAndTouchBytesAsync(key);
            Assert.True(read.Found);
            Assert.Equal(stored, read.Value!.Data);
            Assert.Equal(written + i, read.Version);
            Assert.Equal(_cluster.Clock.GetUtcNow() + Window, read.ExpiresAt);
            Assert.Equal(CacheEntryState.Fresh, read.State);
        }

        _cluster.Clock.Advance(Window);
        Assert.False((await Cache.GetAndTouchBytesAsync(key)).Found);
    }

    [Fact]
    public async Task GetAndTouch_MissingKey_OrEntryWithoutWindow_ChangesNothing()
    {
        var key = CacheTestCluster.NewKey();
        var written = (await Cache.SetAsync(key, "v", new CacheEntryOptions { TimeToLive = TimeSpan.FromSeconds(60) })).Version;

        var read = await Cache.GetAndTouchBytesAsync(key);

        Assert.Equal(written, read.Version);
        Assert.Equal(written, await VersionOf(key));
        Assert.Equal(CacheReadResult.Missing, await Cache.GetAndTouchBytesAsync(CacheTestCluster.NewKey()));
    }

    [Fact]
    public async Task GetAndTouch_OnAList_IsAWrongTypeError_AndChangesNothing()
    {
        var key = CacheTestCluster.NewKey();
        await Cache.ListPushAsync(key, ListEnd.Tail, ["a"], new CacheEntryOptions { SlidingExpiration = Window });
        var version = await VersionOf(key);
        _cluster.Clock.Advance(TimeSpan.FromSeconds(5));

        await Assert.ThrowsAsync<CacheWrongTypeException>(() => Cache.GetAndTouchBytesAsync(key));

        Assert.Equal(version, await VersionOf(key));
        Assert.Equal(TimeSpan.FromSeconds(5), (await Cache.GetTimeToLiveAsync(key)).TimeToLive);
    }

    [Fact]
    public async Task Overwrite_RestartsTheWindowAndCap_KeepTtlKeepsThem()
    {
        var key = CacheTestCluster.NewKey();
        var options = new CacheEntryOptions { SlidingExpiration = Window, TimeToLive = TimeSpan.FromSeconds(30) };
        await Cache.SetAsync(key, "a", options);
        _cluster.Clock.Advance(TimeSpan.FromSeconds(8));

        await Cache.SetAsync(key, "b", options);
        var start = _cluster.Clock.GetUtcNow();
        _cluster.Clock.Advance(TimeSpan.FromSeconds(5));
        await Cache.SetAsync(key, "c", new CacheEntryOptions { KeepTimeToLive = true });

        var info = (await Cache.GetInfoAsync(key))!;
        Assert.Equal(Window, info.SlidingExpiration);
        Assert.Equal(start + Window, info.ExpiresAt);
        Assert.Equal(start + TimeSpan.FromSeconds(30), info.AbsoluteExpiresAt);
        await Cache.TouchAsync(key);
        Assert.Equal(_cluster.Clock.GetUtcNow() + Window, (await Cache.GetInfoAsync(key))!.ExpiresAt);
        Assert.Equal("c", (await Cache.TryGetAsync<string>(key)).Value);
    }

    [Fact]
    public async Task InvalidSlidingOptions_AreTypedErrors_AndChangeNothing()
    {
        var key = CacheTestCluster.NewKey();
        var written = (await Cache.SetAsync(key, "v")).Version;
        CacheEntryOptions[] invalid =
        [
            new() { SlidingExpiration = TimeSpan.Zero },
            new() { SlidingExpiration = TimeSpan.FromSeconds(-1) },
            new() { SlidingExpiration = CacheEntryOptions.MaxTimeToLive + TimeSpan.FromTicks(1) },
            new() { SlidingExpiration = Window, KeepTimeToLive = true },
            new() { SlidingExpiration = Window, FreshFor = Window + TimeSpan.FromTicks(1) },
        ];

        foreach (var options in invalid)
        {
            await Assert.ThrowsAsync<InvalidCacheOptionsException>(() => Cache.SetAsync(key, "w", options));
            await Assert.ThrowsAsync<InvalidCacheOptionsException>(() => _cluster.Grain(key).SetAsync(new CacheValue([1]), options, default));
        }

        Assert.Equal(written, await VersionOf(key));
        Assert.Equal("v", (await Cache.TryGetAsync<string>(key)).Value);
    }
}
