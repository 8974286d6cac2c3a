using CacheCluster.Tests.Fixtures;
using Microsoft.Extensions.Time.Testing;

namespace CacheCluster.Tests.Storage;

/// <summary>Sliding windows, touches and persists in a real Redis: the record keeps them, and the Redis TTL follows.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisExpiryTests(RedisFixture fixture)
{
    private readonly RedisServer _redis = fixture.Redis;

    [Fact]
    public async Task SlidingEntry_KeepsWindowAndCapAcrossRestart_AndRedisTtlFollowsTouchAndPersist()
    {
        var serviceId = "sliding-" + Guid.NewGuid().ToString("N")[..8];
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var clock = new FakeTimeProvider(start);
        var key = CacheTestCluster.NewKey();
        var database = _redis.Connection.GetDatabase();
        var stored = $"{serviceId}/e/{key}";
        await using (var cluster = await CacheTestCluster.StartAsync(1, _redis.ConnectionString, serviceId, clock))
        {
            await cluster.Cache.SetAsync(key, "v", new CacheEntryOptions { SlidingExpiration = TimeSpan.FromSeconds(60), TimeToLive = TimeSpan.FromHours(1) });
            clock.Advance(TimeSpan.FromSeconds(30));
            Assert.True(await cluster.Cache.TouchAsync(key));
        }

        // Redis counts the TTL in real time from the touch: at most the window, whatever the shutdown took.
        Assert.InRange((await database.KeyTimeToLiveAsync(stored))!.Value, TimeSpan.FromTicks(1), TimeSpan.FromSeconds(60));
        await using (var restarted = await CacheTestCluster.StartAsync(1, _redis.ConnectionString, serviceId, clock))
        {
            var info = (await restarted.Cache.GetInfoAsync(key))!;
            Assert.Equal(TimeSpan.FromSeconds(60), info.SlidingExpiration);
            Assert.Equal(start + TimeSpan.FromHours(1), info.AbsoluteExpiresAt);
            Assert.Equal(start + TimeSpan.FromSeconds(90), info.ExpiresAt);

            clock.Advance(TimeSpan.FromSeconds(30));
            Assert.True(await restarted.Cache.TouchAsync(key));
            Assert.Equal(start + TimeSpan.FromSeconds(120), (await restarted.Cache.GetInfoAsync(key))!.ExpiresAt);

            Assert.True(await restarted.Cache.PersistAsync(key));
            Assert.Null(await database.KeyTimeToLiveAsync(stored));
            Assert.True(await database.KeyExistsAsync(stored));
        }
    }
}
