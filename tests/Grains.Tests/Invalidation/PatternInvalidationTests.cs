using CacheCluster.Invalidation;
using CacheCluster.Tests.Fixtures;

namespace CacheCluster.Tests.Invalidation;

[Collection(MemoryClusterCollection.Name)]
public sealed class PatternInvalidationTests(MemoryClusterFixture fixture)
{
    private readonly CacheTestCluster _cluster = fixture.Cluster;

    private IClusterCache Cache => _cluster.Cache;

    [Fact]
    public async Task Pattern_RemovesMatchingKeysAcrossPartitions_AndNothingElse()
    {
        var user = "u" + Guid.NewGuid().ToString("N")[..8];
        var matching = Enumerable.Range(0, 40).Select(i => $"{user}:42:{i}").Append($"{user}:42").ToArray();
        var others = new[] { $"{user}:43", $"{user}:4", $"x{user}:42" };
        foreach (var key in matching.Concat(others))
        {
            await Cache.SetAsync(key, "v");
        }

        Assert.Equal(41, await Cache.RemoveByPatternAsync($"{user}:42*"));
        Assert.Equal(0, await Cache.RemoveByPatternAsync($"{user}:42*"));

        foreach (var key in matching)
        {
            Assert.False(await Cache.ExistsAsync(key));
        }

        foreach (var key in others)
        {
            Assert.True(await Cache.ExistsAsync(key));
        }
    }

    [Fact]
    public async Task StarAlone_NeedsTheExplicitFlag_AndBadPatternsAreErrors()
    {
        await Assert.ThrowsAsync<InvalidCacheOptionsException>(() => Cache.RemoveByPatternAsync("*"));
        await Assert.ThrowsAsync<InvalidCacheOptionsException>(() => _cluster.Client.GetGrain<IKeyIndexGrain>(0).InvalidateAsync(["**"], allowAll: false));
        await Assert.ThrowsAsync<InvalidCacheOptionsException>(() => Cache.RemoveByPatternAsync("[unclosed"));
        await Assert.ThrowsAsync<InvalidCacheOptionsException>(() => Cache.RemoveByPatternAsync(new string('a', 300)));
    }

    [Fact]
    public async Task ExpiredKeys_AreNotCounted()
    {
        var prefix = "exp" + Guid.NewGuid().ToString("N")[..8];
        await Cache.SetAsync($"{prefix}:short", "v", new CacheEntryOptions { TimeToLive = TimeSpan.FromSeconds(5) });
        await Cache.SetAsync($"{prefix}:long", "v", new CacheEntryOptions { TimeToLive = TimeSpan.FromMinutes(5) });
        _cluster.Clock.Advance(TimeSpan.FromSeconds(6));

        Assert.Equal(1, await Cache.RemoveByPatternAsync($"{prefix}:*"));
    }
}

public sealed class ClearAllTests
{
    [Fact]
    public async Task StarWithFlag_ClearsEveryKey()
    {
        await using var cluster = await CacheTestCluster.StartAsync(silos: 2);
        for (var i = 0; i < 30; i++)
        {
            await cluster.Cache.SetAsync($"k{i}", i);
        }

        Assert.Equal(30, await cluster.Cache.RemoveByPatternAsync("*", allowAll: true));
        Assert.False(await cluster.Cache.ExistsAsync("k7"));
    }
}
