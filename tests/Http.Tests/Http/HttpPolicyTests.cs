using CacheCluster.Tests.Fixtures;

namespace CacheCluster.Tests.Http;

/// <summary>The HTTP cache policy an entry carries, at the grain: kept by writes that keep the expiry, replaced by others.</summary>
[Collection(HttpCollection.Name)]
public sealed class HttpPolicyTests(HttpClusterFixture fixture)
{
    private static readonly CacheHttpPolicy Policy = new() { Public = true, SharedMaxAge = TimeSpan.FromSeconds(30) };

    [Fact]
    public async Task Policy_IsKeptByIncrementAndKeepTimeToLive_AndDroppedByAPlainOverwrite()
    {
        var key = CacheTestCluster.NewKey("policy");
        var grain = fixture.Cluster.Grain(key);
        await grain.SetAsync(new CacheValue("1"u8.ToArray()), new CacheEntryOptions { TimeToLive = TimeSpan.FromMinutes(1), HttpPolicy = Policy }, CacheWriteCondition.Always);

        await grain.IncrementAsync(1, options: null);
        Assert.Equal(Policy, (await grain.GetAsync()).HttpPolicy);

        await grain.SetAsync(new CacheValue("5"u8.ToArray()), new CacheEntryOptions { KeepTimeToLive = true }, CacheWriteCondition.Always);
        Assert.Equal(Policy, (await grain.GetInfoAsync())!.HttpPolicy);

        await grain.SetAsync(new CacheValue("6"u8.ToArray()), new CacheEntryOptions { TimeToLive = TimeSpan.FromMinutes(1) }, CacheWriteCondition.Always);
        Assert.Null((await grain.GetAsync()).HttpPolicy);
    }

    [Fact]
    public async Task Policy_PublicAndPrivate_IsRejected()
    {
        var grain = fixture.Cluster.Grain(CacheTestCluster.NewKey("policy"));

        await Assert.ThrowsAsync<InvalidCacheOptionsException>(() =>
            grain.SetAsync(new CacheValue([1]), new CacheEntryOptions { HttpPolicy = new CacheHttpPolicy { Public = true, Private = true } }, CacheWriteCondition.Always));
    }
}
