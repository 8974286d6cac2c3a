using CacheCluster.Tests.Fixtures;

namespace CacheCluster.Tests.Entries;

[Collection(MemoryClusterCollection.Name)]
public sealed class ExpiryTests(MemoryClusterFixture fixture)
{
    private readonly CacheTestCluster _cluster = fixture.Cluster;

    private IClusterCache Cache => _cluster.Cache;

    [Fact]
    public async Task HardExpiryOnly_FreshForHalf_ThenStale_ThenGone()
    {
        var key = CacheTestCluster.NewKey();
        await Cache.SetAsync(key, "v", new CacheEntryOptions { TimeToLive = TimeSpan.FromSeconds(60) });

        _cluster.Clock.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(CacheEntryState.Fresh, (await Cache.TryGetAsync<string>(key)).State);

        _cluster.Clock.Advance(TimeSpan.FromSeconds(1));
        var stale = await Cache.TryGetAsync<string>(key);
        Assert.Equal(CacheEntryState.Stale, stale.State);
        Assert.True(stale.IsStale);
        Assert.Equal("v", stale.Value);
        Assert.True(await Cache.ExistsAsync(key));

        _cluster.Clock.Advance(TimeSpan.FromSeconds(30));
        Assert.False((await Cache.TryGetAsync<string>(key)).Found);
        Assert.False(await Cache.ExistsAsync(key));
        Assert.False(await Cache.RemoveAsync(key));
    }

    [Fact]
    public async Task SoftAndHardExpiry_AreReportedByTimeToLive()
    {
        var key = CacheTestCluster.NewKey();
        await Cache.SetAsync(key, "v", new CacheEntryOptions { TimeToLive = TimeSpan.FromSeconds(100), FreshFor = TimeSpan.FromSeconds(10) });
        _cluster.Clock.Advance(TimeSpan.FromSeconds(4));

        var ttl = await Cache.GetTimeToLiveAsync(key);
        Assert.Equal(new CacheTimeToLive { Exists = true, TimeToLive = TimeSpan.FromSeconds(96), FreshFor = TimeSpan.FromSeconds(6) }, ttl);

        _cluster.Clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(TimeSpan.Zero, (await Cache.GetTimeToLiveAsync(key)).FreshFor);
        Assert.Equal(CacheEntryState.Stale, (await Cache.GetInfoAsync(key))!.State);
    }

    [Fact]
    public async Task TimeToLive_MissingKey_DoesNotExist()
    {
        Assert.Equal(default, await Cache.GetTimeToLiveAsync(CacheTestCluster.NewKey()));
    }

    [Fact]
    public async Task Overwrite_WithoutKeepTtl_ReplacesExpiry()
    {
        var key = CacheTestCluster.NewKey();
        await Cache.SetAsync(key, "a", new CacheEntryOptions { TimeToLive = TimeSpan.FromSeconds(10) });

        await Cache.SetAsync(key, "b");

        Assert.Null((await Cache.GetTimeToLiveAsync(key)).TimeToLive);
    }

    [Fact]
    public async Task Overwrite_WithKeepTtl_KeepsExpiryAndTags()
    {
        var key = CacheTestCluster.NewKey();
        await Cache.SetAsync(key, "a", new CacheEntryOptions { TimeToLive = TimeSpan.FromSeconds(60), Tags = ["t1"] });
        _cluster.Clock.Advance(TimeSpan.FromSeconds(20));

        await Cache.SetAsync(key, "b", new CacheEntryOptions { KeepTimeToLive = true });

        Assert.Equal(TimeSpan.FromSeconds(40), (await Cache.GetTimeToLiveAsync(key)).TimeToLive);
        Assert.Equal(["t1"], (await Cache.GetInfoAsync(key))!.Tags);
        Assert.Equal("b", (await Cache.TryGetAsync<string>(key)).Value);
    }

    [Fact]
    public async Task ExpiredEntry_CanBeCreatedAgain()
    {
        var key = CacheTestCluster.NewKey();
        var first = await Cache.SetAsync(key, "a", new CacheEntryOptions { TimeToLive = TimeSpan.FromSeconds(5) });
        _cluster.Clock.Advance(TimeSpan.FromSeconds(6));

        var again = await Cache.SetAsync(key, "b", condition: CacheWriteCondition.IfNotExists);

        Assert.Equal(CacheWriteOutcome.Created, again.Outcome);
        Assert.True(again.Version > first.Version);
        Assert.Equal("b", (await Cache.TryGetAsync<string>(key)).Value);
    }
}
