using CacheCluster.Tests.Fixtures;

namespace CacheCluster.Tests.Invalidation;

[Collection(RedisCollection.Name)]
public sealed class RedisTagInvalidationTests(RedisFixture fixture)
{
    [Fact]
    public async Task TagWithTenThousandEntries_IsInvalidated_AndRegistrationsSurviveARestart()
    {
        var serviceId = "tags-" + Guid.NewGuid().ToString("N")[..8];
        var tag = "catalog";
        var keys = Enumerable.Range(0, 10_000).Select(i => $"product:{i}").ToArray();
        await using (var first = await CacheTestCluster.StartAsync(2, fixture.Redis.ConnectionString, serviceId))
        {
            for (var start = 0; start < keys.Length; start += 500)
            {
                await Task.WhenAll(keys.Skip(start).Take(500).Select(key => first.Cache.SetAsync(key, "v", new CacheEntryOptions { TimeToLive = TimeSpan.FromHours(1), Tags = [tag] })));
            }

            await first.Cache.SetAsync("untagged", "v", new CacheEntryOptions { TimeToLive = TimeSpan.FromHours(1) });
        }

        // A new cluster on the same Redis: the registrations were durable.
        await using var second = await CacheTestCluster.StartAsync(2, fixture.Redis.ConnectionString, serviceId);

        Assert.Equal(10_000, await second.Cache.RemoveByTagAsync(tag));
        Assert.False(await second.Cache.ExistsAsync(keys[0]));
        Assert.False(await second.Cache.ExistsAsync(keys[^1]));
        Assert.True(await second.Cache.ExistsAsync("untagged"));
        Assert.False(await fixture.Redis.Connection.GetDatabase().KeyExistsAsync($"{serviceId}/t/{tag}"));
    }

    [Fact]
    public async Task TagIndex_ExpiresWithItsLastEntry()
    {
        await using var cluster = await CacheTestCluster.StartAsync(1, fixture.Redis.ConnectionString);
        await cluster.Cache.SetAsync(CacheTestCluster.NewKey(), "v", new CacheEntryOptions { TimeToLive = TimeSpan.FromSeconds(30), Tags = ["short"] });
        await cluster.Cache.SetAsync(CacheTestCluster.NewKey(), "v", new CacheEntryOptions { TimeToLive = TimeSpan.FromSeconds(90), Tags = ["short"] });

        var ttl = await fixture.Redis.Connection.GetDatabase().KeyTimeToLiveAsync($"{cluster.ServiceId}/t/short");

        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromSeconds(88), TimeSpan.FromSeconds(90));
    }
}
