using CacheCluster.Tests.Fixtures;
using Microsoft.Extensions.Caching.Distributed;

namespace CacheCluster.Tests.Caching;

/// <summary>DistributedCacheEntryOptions on the cluster, with the fake cache clock: RedisCache's rules.</summary>
[Collection(DistributedCacheCollection.Name)]
public sealed class DistributedCacheExpiryTests(DistributedCacheClusterFixture fixture) : IAsyncLifetime
{
    private DistributedTestHost _host = null!;

    private IDistributedCache Cache => _host.Cache;

    private Microsoft.Extensions.Time.Testing.FakeTimeProvider Clock => fixture.Clock;

    public async Task InitializeAsync() => _host = await fixture.StartHostAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task DistributedCache_AbsoluteExpiration_LivesUntilThenIsGone()
    {
        var key = CacheTestCluster.NewKey("dc");
        var expiresAt = Clock.GetUtcNow().AddSeconds(30);

        await Cache.SetAsync(key, [1], new DistributedCacheEntryOptions { AbsoluteExpiration = expiresAt });

        Assert.Equal(expiresAt, (await fixture.Cache.TryGetBytesAsync(key)).ExpiresAt);
        Clock.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal((byte[])[1], await Cache.GetAsync(key));
        Clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Null(await Cache.GetAsync(key));
    }

    [Fact]
    public void DistributedCache_SyncSetWithRelativeExpiration_LivesThatLong()
    {
        var key = CacheTestCluster.NewKey("dc");

        Cache.Set(key, [2], new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromSeconds(20) });

        Clock.Advance(TimeSpan.FromSeconds(19));
        Assert.Equal((byte[])[2], Cache.Get(key));
        Clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Null(Cache.Get(key));
    }

    [Fact]
    public async Task DistributedCache_RelativeAndAbsoluteExpiration_RelativeWins()
    {
        var key = CacheTestCluster.NewKey("dc");
        var now = Clock.GetUtcNow();

        await Cache.SetAsync(key, [3], new DistributedCacheEntryOptions
        {
            AbsoluteExpiration = now.AddHours(1),
            AbsoluteExpirationRelativeToNow = TimeSpan.FromSeconds(10),
        });

        Assert.Equal(now.AddSeconds(10), (await fixture.Cache.TryGetBytesAsync(key)).ExpiresAt);
        Clock.Advance(TimeSpan.FromSeconds(11));
        Assert.Null(await Cache.GetAsync(key));
    }

    [Fact]
    public async Task DistributedCache_AbsoluteExpirationNotInTheFuture_ThrowsRedisCachesErrorAndKeepsTheStoredValue()
    {
        var key = CacheTestCluster.NewKey("dc");
        await Cache.SetAsync(key, [1], new DistributedCacheEntryOptions());
        var now = Clock.GetUtcNow();

        var past = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(
            "AbsoluteExpiration",
            () => Cache.SetAsync(key, [2], new DistributedCacheEntryOptions { AbsoluteExpiration = now.AddSeconds(-1) }));
        Assert.Throws<ArgumentOutOfRangeException>(
            "AbsoluteExpiration",
            () => Cache.Set(key, [3], new DistributedCacheEntryOptions { AbsoluteExpiration = now }));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(
            "AbsoluteExpiration",
            () => Cache.SetAsync(key, [4], new DistributedCacheEntryOptions { AbsoluteExpiration = now, AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(1) }));

        Assert.Equal(now.AddSeconds(-1), past.ActualValue);
        Assert.StartsWith("The absolute expiration value must be in the future.", past.Message, StringComparison.Ordinal);
        Assert.Equal((byte[])[1], await Cache.GetAsync(key));
    }

    [Fact]
    public async Task DistributedCache_ExpiryBeyondTheClustersMaximum_ThrowsInvalidCacheOptionsAndWritesNothing()
    {
        var key = CacheTestCluster.NewKey("dc");

        await Assert.ThrowsAsync<InvalidCacheOptionsException>(() => Cache.SetAsync(
            key, [1], new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = CacheEntryOptions.MaxTimeToLive + TimeSpan.FromDays(1) }));

        Assert.False(await fixture.Cache.ExistsAsync(key));
    }

    [Fact]
    public void DistributedCacheEntryOptions_NonPositiveRelativeOrSliding_ThrowArgumentOutOfRangeBeforeReachingTheCache()
    {
        // Microsoft's options type rejects these in its setters, as RedisCache relies on; the adapter never sees them.
        Assert.Throws<ArgumentOutOfRangeException>(() => new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.Zero });
        Assert.Throws<ArgumentOutOfRangeException>(() => new DistributedCacheEntryOptions { SlidingExpiration = TimeSpan.FromSeconds(-1) });
    }

    [Fact]
    public async Task DistributedCache_SlidingEntryReadWithinTheWindow_StaysAliveThenExpiresAfterIdling()
    {
        var key = CacheTestCluster.NewKey("dc");
        await Cache.SetAsync(key, [4], new DistributedCacheEntryOptions { SlidingExpiration = TimeSpan.FromSeconds(10) });

        Clock.Advance(TimeSpan.FromSeconds(8));
        Assert.Equal((byte[])[4], await Cache.GetAsync(key));
        Clock.Advance(TimeSpan.FromSeconds(8));
        Assert.Equal((byte[])[4], Cache.Get(key));
        Assert.Equal(Clock.GetUtcNow().AddSeconds(10), (await fixture.Cache.TryGetBytesAsync(key)).ExpiresAt);

        Clock.Advance(TimeSpan.FromSeconds(11));
        Assert.Null(await Cache.GetAsync(key));
    }

    [Fact]
    public async Task DistributedCache_RefreshWithinTheWindow_ExtendsTheSlidingEntrySyncAndAsync()
    {
        var key = CacheTestCluster.NewKey("dc");
        await Cache.SetAsync(key, [5], new DistributedCacheEntryOptions { SlidingExpiration = TimeSpan.FromSeconds(10) });

        Clock.Advance(TimeSpan.FromSeconds(8));
        await Cache.RefreshAsync(key);
        Clock.Advance(TimeSpan.FromSeconds(8));
        Cache.Refresh(key);
        Clock.Advance(TimeSpan.FromSeconds(8));

        Assert.Equal((byte[])[5], await Cache.GetAsync(key));
    }

    [Fact]
    public async Task DistributedCache_SlidingEntry_IsNeverExtendedPastItsAbsoluteExpiration()
    {
        var key = CacheTestCluster.NewKey("dc");
        var absolute = Clock.GetUtcNow().AddSeconds(15);
        await Cache.SetAsync(key, [6], new DistributedCacheEntryOptions
        {
            SlidingExpiration = TimeSpan.FromSeconds(10),
            AbsoluteExpirationRelativeToNow = TimeSpan.FromSeconds(15),
        });

        Clock.Advance(TimeSpan.FromSeconds(8));
        Assert.Equal((byte[])[6], await Cache.GetAsync(key));
        Assert.Equal(absolute, (await fixture.Cache.TryGetBytesAsync(key)).ExpiresAt);
        Clock.Advance(TimeSpan.FromSeconds(6));
        await Cache.RefreshAsync(key);
        Assert.Equal((byte[])[6], await Cache.GetAsync(key));

        Clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Null(await Cache.GetAsync(key));
    }

    [Fact]
    public async Task DistributedCache_SlidingWindowLongerThanTheAbsoluteExpiration_ExpiresAtTheAbsoluteOne()
    {
        var key = CacheTestCluster.NewKey("dc");
        var absolute = Clock.GetUtcNow().AddSeconds(5);

        await Cache.SetAsync(key, [7], new DistributedCacheEntryOptions { SlidingExpiration = TimeSpan.FromMinutes(1), AbsoluteExpiration = absolute });

        Assert.Equal(absolute, (await fixture.Cache.TryGetBytesAsync(key)).ExpiresAt);
        Clock.Advance(TimeSpan.FromSeconds(6));
        Assert.Null(await Cache.GetAsync(key));
    }
}
