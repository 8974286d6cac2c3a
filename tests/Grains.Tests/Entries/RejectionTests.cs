using CacheCluster.Tests.Fixtures;

namespace CacheCluster.Tests.Entries;

/// <summary>Every rejection is a typed error, and the stored entry stays exactly as it was.</summary>
[Collection(MemoryClusterCollection.Name)]
public sealed class RejectionTests(MemoryClusterFixture fixture)
{
    private readonly CacheTestCluster _cluster = fixture.Cluster;

    private IClusterCache Cache => _cluster.Cache;

    public static TheoryData<string> BadKeys => new()
    {
        string.Empty,
        "tab\tkey",
        "new\nline",
        "nul\0",
        "del\u007f",
        "c1\u0085",
        new string('k', 1025),
        new string('é', 513),
    };

    [Theory]
    [MemberData(nameof(BadKeys))]
    public async Task BadKey_ThroughClient_IsRejectedBeforeAnyCall(string key)
    {
        await Assert.ThrowsAsync<InvalidCacheKeyException>(() => Cache.SetAsync(key, "v"));
        await Assert.ThrowsAsync<InvalidCacheKeyException>(() => Cache.TryGetAsync<string>(key));
        await Assert.ThrowsAsync<InvalidCacheKeyException>(() => Cache.RemoveAsync(key));
    }

    [Fact]
    public async Task LoneSurrogateKey_IsRejectedByClient()
    {
        // Built here: theory data would be re-encoded and lose the lone surrogate. Only the client can see it:
        // a grain id travels as UTF-8, so the silo receives U+FFFD in its place.
        var key = "lone" + (char)0xD800 + "surrogate";

        await Assert.ThrowsAsync<InvalidCacheKeyException>(() => Cache.SetAsync(key, "v"));
        await Assert.ThrowsAsync<InvalidCacheKeyException>(() => Cache.TryGetAsync<string>(key));
    }

    [Theory]
    [MemberData(nameof(BadKeys))]
    public async Task BadKey_StraightToGrain_IsRejectedBySilo(string key)
    {
        if (key.Length == 0)
        {
            // Orleans itself refuses to address a grain by an empty key.
            Assert.Throws<ArgumentException>(() => _cluster.Grain(key));
            return;
        }

        var grain = _cluster.Grain(key);

        await Assert.ThrowsAsync<InvalidCacheKeyException>(() => grain.SetAsync(new CacheValue([1]), null, CacheWriteCondition.Always));
        await Assert.ThrowsAsync<InvalidCacheKeyException>(() => grain.GetAsync());
        await Assert.ThrowsAsync<InvalidCacheKeyException>(() => grain.IncrementAsync(1, null));
        await Assert.ThrowsAsync<InvalidCacheKeyException>(() => grain.ListPushAsync(ListEnd.Tail, [new CacheValue([1])], null));
    }

    [Fact]
    public void NullKey_IsRejected()
    {
        Assert.Throws<InvalidCacheKeyException>(() => CacheKey.Validate(null));
    }

    [Fact]
    public async Task KeyOfExactlyMaxBytes_IsAccepted()
    {
        var key = "k:" + Guid.NewGuid().ToString("N") + new string('x', 1024 - 34);

        await Cache.SetAsync(key, "v");

        Assert.Equal(1024, System.Text.Encoding.UTF8.GetByteCount(key));
        Assert.True(await Cache.ExistsAsync(key));
    }

    [Fact]
    public async Task ValueTooLarge_IsRejectedAndExistingValueKept()
    {
        var key = CacheTestCluster.NewKey();
        var original = await Cache.SetAsync(key, "original");

        var error = await Assert.ThrowsAsync<CacheValueTooLargeException>(() => Cache.SetAsync(key, new byte[CacheTestCluster.MaxValueBytes + 1]));

        Assert.Equal(CacheTestCluster.MaxValueBytes + 1, error.Size);
        Assert.Equal(CacheTestCluster.MaxValueBytes, error.Limit);
        var read = await Cache.TryGetAsync<string>(key);
        Assert.Equal("original", read.Value);
        Assert.Equal(original.Version, read.Version);
    }

    [Fact]
    public async Task ValueOfExactlyTheLimit_IsAccepted()
    {
        var key = CacheTestCluster.NewKey();

        var write = await Cache.SetAsync(key, new byte[CacheTestCluster.MaxValueBytes]);

        Assert.True(write.Written);
    }

    public static TheoryData<CacheEntryOptions> BadOptions => new()
    {
        new CacheEntryOptions { TimeToLive = TimeSpan.Zero },
        new CacheEntryOptions { TimeToLive = TimeSpan.FromSeconds(-1) },
        new CacheEntryOptions { TimeToLive = TimeSpan.MaxValue },
        new CacheEntryOptions { FreshFor = TimeSpan.FromSeconds(-5) },
        new CacheEntryOptions { TimeToLive = TimeSpan.FromSeconds(10), FreshFor = TimeSpan.FromSeconds(11) },
        new CacheEntryOptions { TimeToLive = TimeSpan.FromSeconds(10), KeepTimeToLive = true },
        new CacheEntryOptions { Tags = [""] },
        new CacheEntryOptions { Tags = ["a,b"] },
        new CacheEntryOptions { Tags = ["bad\ntag"] },
        new CacheEntryOptions { Tags = [new string('t', 257)] },
        new CacheEntryOptions { Tags = [.. Enumerable.Range(0, 65).Select(i => $"t{i}")] },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public async Task BadOptions_AreRejectedByClientAndSilo_AndValueKept(CacheEntryOptions options)
    {
        var key = CacheTestCluster.NewKey();
        var original = await Cache.SetAsync(key, "original");

        await Assert.ThrowsAsync<InvalidCacheOptionsException>(() => Cache.SetAsync(key, "x", options));
        await Assert.ThrowsAsync<InvalidCacheOptionsException>(() => _cluster.Grain(key).SetAsync(new CacheValue([1]), options, CacheWriteCondition.Always));
        await Assert.ThrowsAsync<InvalidCacheOptionsException>(() => _cluster.Grain(key).IncrementAsync(1, options));

        var read = await Cache.TryGetAsync<string>(key);
        Assert.Equal("original", read.Value);
        Assert.Equal(original.Version, read.Version);
    }

    [Fact]
    public async Task BadCondition_StraightToGrain_IsRejected()
    {
        var key = CacheTestCluster.NewKey();
        var invalid = CacheWriteCondition.IfVersion(1) with { ExpectedVersion = -3 };

        await Assert.ThrowsAsync<InvalidCacheOptionsException>(() => _cluster.Grain(key).SetAsync(new CacheValue([1]), null, invalid));
        await Assert.ThrowsAsync<InvalidCacheOptionsException>(() => _cluster.Grain(key).SetAsync(new CacheValue([1]), null, CacheWriteCondition.Always with { Mode = (CacheWriteMode)42 }));
        Assert.False(await Cache.ExistsAsync(key));
    }

    [Fact]
    public async Task BadContentType_IsRejected()
    {
        var key = CacheTestCluster.NewKey();

        await Assert.ThrowsAsync<InvalidCacheRequestException>(() => Cache.SetBytesAsync(key, new CacheValue([1], "text/plain\r\nX-Injected: 1")));

        Assert.False(await Cache.ExistsAsync(key));
    }

    [Fact]
    public void CompareAndSet_OnNonPositiveVersion_IsAnArgumentError()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => CacheWriteCondition.IfVersion(0));
    }
}
