using CacheCluster.Tests.Fixtures;

namespace CacheCluster.Tests.Entries;

[Collection(MemoryClusterCollection.Name)]
public sealed class ListTests(MemoryClusterFixture fixture)
{
    private readonly CacheTestCluster _cluster = fixture.Cluster;

    private IClusterCache Cache => _cluster.Cache;

    [Fact]
    public async Task Push_HeadAndTail_FollowsRedisOrder()
    {
        var key = CacheTestCluster.NewKey("sessions");

        Assert.Equal(2, await Cache.ListPushAsync(key, ListEnd.Tail, ["b", "c"]));
        Assert.Equal(4, await Cache.ListPushAsync(key, ListEnd.Head, ["a2", "a1"]));

        Assert.Equal(["a1", "a2", "b", "c"], await Cache.ListRangeAsync<string>(key));
        Assert.Equal(4, await Cache.ListLengthAsync(key));
    }

    [Theory]
    [InlineData(0, -1, "a,b,c,d,e")]
    [InlineData(1, 2, "b,c")]
    [InlineData(-2, -1, "d,e")]
    [InlineData(-100, 1, "a,b")]
    [InlineData(3, 100, "d,e")]
    [InlineData(4, 2, "")]
    [InlineData(5, 10, "")]
    public async Task Range_UsesRedisIndexRules(long start, long stop, string expected)
    {
        var key = CacheTestCluster.NewKey("list");
        await Cache.ListPushAsync(key, ListEnd.Tail, ["a", "b", "c", "d", "e"]);

        var range = await Cache.ListRangeAsync<string>(key, start, stop);

        Assert.Equal(expected, string.Join(',', range));
    }

    [Fact]
    public async Task Range_MissingKey_IsEmpty()
    {
        Assert.Empty(await Cache.ListRangeAsync<string>(CacheTestCluster.NewKey()));
        Assert.Equal(0, await Cache.ListLengthAsync(CacheTestCluster.NewKey()));
    }

    [Theory]
    [InlineData(0, 3, "b,c")]
    [InlineData(1, 1, "b,x,c,x")]
    [InlineData(-1, 1, "x,b,x,c")]
    [InlineData(2, 2, "b,c,x")]
    public async Task Remove_CountsFromHeadTailOrAll(long count, long removed, string left)
    {
        var key = CacheTestCluster.NewKey("list");
        await Cache.ListPushAsync(key, ListEnd.Tail, ["x", "b", "x", "c", "x"]);

        Assert.Equal(removed, await Cache.ListRemoveAsync(key, "x", count));

        Assert.Equal(left, string.Join(',', await Cache.ListRangeAsync<string>(key)));
    }

    [Fact]
    public async Task Trim_KeepsRange_AndEmptyListIsRemoved()
    {
        var key = CacheTestCluster.NewKey("list");
        await Cache.ListPushAsync(key, ListEnd.Tail, ["a", "b", "c", "d"]);

        Assert.Equal(2, await Cache.ListTrimAsync(key, 1, 2));
        Assert.Equal(["b", "c"], await Cache.ListRangeAsync<string>(key));

        Assert.Equal(0, await Cache.ListTrimAsync(key, 5, 10));
        Assert.False(await Cache.ExistsAsync(key));
    }

    [Fact]
    public async Task RemovingLastElement_RemovesKey()
    {
        var key = CacheTestCluster.NewKey("list");
        await Cache.ListPushAsync(key, ListEnd.Tail, ["only"]);

        Assert.Equal(1, await Cache.ListRemoveAsync(key, "only"));

        Assert.False(await Cache.ExistsAsync(key));
    }

    [Fact]
    public async Task Push_AppliesOptionsOnCreateOnly_AndKeepsExpiry()
    {
        var key = CacheTestCluster.NewKey("list");
        await Cache.ListPushAsync(key, ListEnd.Tail, ["a"], new CacheEntryOptions { TimeToLive = TimeSpan.FromSeconds(60) });
        _cluster.Clock.Advance(TimeSpan.FromSeconds(15));

        await Cache.ListPushAsync(key, ListEnd.Tail, ["b"], new CacheEntryOptions { TimeToLive = TimeSpan.FromDays(1) });

        Assert.Equal(TimeSpan.FromSeconds(45), (await Cache.GetTimeToLiveAsync(key)).TimeToLive);
        var info = await Cache.GetInfoAsync(key);
        Assert.Equal(CacheEntryKind.List, info!.Kind);
        Assert.Equal(2, info.Length);
    }

    [Fact]
    public async Task EveryListChange_IncrementsVersion_ANoOpRemoveOrTrimKeepsIt()
    {
        var key = CacheTestCluster.NewKey("list");
        var grain = _cluster.Grain(key);
        static CacheValue Item(string text) => new(System.Text.Encoding.UTF8.GetBytes(text));

        var created = await grain.ListPushAsync(ListEnd.Tail, [Item("a"), Item("b"), Item("c")], null);
        var push = await grain.ListPushAsync(ListEnd.Tail, [Item("d")], null);
        var remove = await grain.ListRemoveAsync(Item("a"), 0);
        var trim = await grain.ListTrimAsync(0, 1);
        var wholeTrim = await grain.ListTrimAsync(0, -1);
        var removeNothing = await grain.ListRemoveAsync(Item("zz"), 0);

        Assert.Equal(created.Version + 1, push.Version);
        Assert.Equal(push.Version + 1, remove.Version);
        Assert.Equal(remove.Version + 1, trim.Version);
        Assert.Equal((2L, trim.Version), (wholeTrim.Value, wholeTrim.Version));
        Assert.Equal((0L, trim.Version), (removeNothing.Value, removeNothing.Version));
        Assert.Equal(["b", "c"], await Cache.ListRangeAsync<string>(key));
    }

    [Fact]
    public async Task WrongType_IsRejectedBothWays()
    {
        var valueKey = CacheTestCluster.NewKey();
        var listKey = CacheTestCluster.NewKey("list");
        await Cache.SetAsync(valueKey, "v");
        await Cache.ListPushAsync(listKey, ListEnd.Tail, ["a"]);

        await Assert.ThrowsAsync<CacheWrongTypeException>(() => Cache.ListPushAsync(valueKey, ListEnd.Tail, ["x"]));
        await Assert.ThrowsAsync<CacheWrongTypeException>(() => Cache.ListRangeAsync<string>(valueKey));
        await Assert.ThrowsAsync<CacheWrongTypeException>(() => Cache.TryGetAsync<string>(listKey));
        await Assert.ThrowsAsync<CacheWrongTypeException>(() => Cache.IncrementAsync(listKey));

        Assert.Equal("v", (await Cache.TryGetAsync<string>(valueKey)).Value);
        Assert.Equal(["a"], await Cache.ListRangeAsync<string>(listKey));
    }

    [Fact]
    public async Task Set_OverList_ReplacesIt()
    {
        var key = CacheTestCluster.NewKey("list");
        await Cache.ListPushAsync(key, ListEnd.Tail, ["a"]);

        await Cache.SetAsync(key, "now a value");

        Assert.Equal("now a value", (await Cache.TryGetAsync<string>(key)).Value);
    }

    [Fact]
    public async Task Push_EmptyValues_IsRejected()
    {
        await Assert.ThrowsAsync<InvalidCacheRequestException>(() => Cache.ListPushAsync(CacheTestCluster.NewKey(), ListEnd.Tail, Array.Empty<string>()));
        await Assert.ThrowsAsync<InvalidCacheRequestException>(() => _cluster.Grain(CacheTestCluster.NewKey()).ListPushAsync(ListEnd.Tail, [], null));
    }

    [Fact]
    public async Task Push_BeyondSizeLimit_IsRejectedAndListKept()
    {
        var key = CacheTestCluster.NewKey("list");
        await Cache.ListPushAsync(key, ListEnd.Tail, [new byte[CacheTestCluster.MaxValueBytes - 10]]);

        await Assert.ThrowsAsync<CacheValueTooLargeException>(() => Cache.ListPushAsync(key, ListEnd.Tail, [new byte[11]]));

        Assert.Equal(1, await Cache.ListLengthAsync(key));
    }
}
