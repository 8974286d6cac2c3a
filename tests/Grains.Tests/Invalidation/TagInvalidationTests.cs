using CacheCluster.Invalidation;
using CacheCluster.Tests.Fixtures;

namespace CacheCluster.Tests.Invalidation;

[Collection(MemoryClusterCollection.Name)]
public sealed class TagInvalidationTests(MemoryClusterFixture fixture)
{
    private readonly CacheTestCluster _cluster = fixture.Cluster;

    private IClusterCache Cache => _cluster.Cache;

    [Fact]
    public async Task RemoveByTag_RemovesExactlyTheTaggedEntries_Once()
    {
        var tag = "user:" + Guid.NewGuid().ToString("N");
        var tagged = Enumerable.Range(0, 5).Select(i => CacheTestCluster.NewKey($"tagged{i}")).ToArray();
        var other = CacheTestCluster.NewKey("other");
        foreach (var key in tagged)
        {
            await Cache.SetAsync(key, "v", new CacheEntryOptions { Tags = [tag, "unrelated"] });
        }

        await Cache.SetAsync(other, "v", new CacheEntryOptions { Tags = ["unrelated"] });

        Assert.Equal(5, await Cache.RemoveByTagAsync(tag));
        Assert.Equal(0, await Cache.RemoveByTagAsync(tag));

        foreach (var key in tagged)
        {
            Assert.False(await Cache.ExistsAsync(key));
        }

        Assert.True(await Cache.ExistsAsync(other));
    }

    [Fact]
    public async Task EntryRewrittenWithoutTheTag_Survives_AndLeavesTheTag()
    {
        var tag = "product:" + Guid.NewGuid().ToString("N");
        var key = CacheTestCluster.NewKey();
        await Cache.SetAsync(key, "v1", new CacheEntryOptions { Tags = [tag] });
        await Cache.SetAsync(key, "v2", new CacheEntryOptions { Tags = ["something-else"] });

        Assert.Equal(0, await Cache.RemoveByTagAsync(tag));
        Assert.Equal("v2", (await Cache.TryGetAsync<string>(key)).Value);
    }

    [Fact]
    public async Task ExpiredAndDeletedEntries_LeaveTheirTags()
    {
        var tag = "order:" + Guid.NewGuid().ToString("N");
        var expiring = CacheTestCluster.NewKey();
        var deleted = CacheTestCluster.NewKey();
        var live = CacheTestCluster.NewKey();
        await Cache.SetAsync(expiring, "v", new CacheEntryOptions { TimeToLive = TimeSpan.FromSeconds(5), Tags = [tag] });
        await Cache.SetAsync(deleted, "v", new CacheEntryOptions { Tags = [tag] });
        await Cache.SetAsync(live, "v", new CacheEntryOptions { TimeToLive = TimeSpan.FromMinutes(5), Tags = [tag] });
        await Cache.RemoveAsync(deleted);
        _cluster.Clock.Advance(TimeSpan.FromSeconds(6));

        Assert.Equal(1, await Cache.RemoveByTagAsync(tag));
        Assert.False(await Cache.ExistsAsync(live));
    }

    [Fact]
    public async Task TagInvalidation_VoidsARefreshLease()
    {
        var tag = "user:" + Guid.NewGuid().ToString("N");
        var key = CacheTestCluster.NewKey();
        var options = new GetOrSetOptions { Entry = new CacheEntryOptions { TimeToLive = TimeSpan.FromMinutes(5), FreshFor = TimeSpan.FromSeconds(10), Tags = [tag] } };
        await Cache.GetOrSetAsync(key, _ => Task.FromResult<string?>("v1"), options);
        _cluster.Clock.Advance(TimeSpan.FromSeconds(11));
        var lookup = await _cluster.Grain(key).GetOrLeaseAsync(new CacheLeaseRequest());
        Assert.Equal(CacheLeaseKind.Refresh, lookup.Lease!.Value.Kind);

        Assert.Equal(1, await Cache.RemoveByTagAsync(tag));

        var fill = await _cluster.Grain(key).FillAsync(lookup.Lease.Value.Token, new CacheValue("stale"u8.ToArray()), new CacheEntryOptions { Tags = [tag] });
        Assert.Equal(CacheWriteOutcome.LeaseVoided, fill.Outcome);
        Assert.False(await Cache.ExistsAsync(key));
    }

    [Fact]
    public async Task BadTag_IsRejected()
    {
        await Assert.ThrowsAsync<InvalidCacheOptionsException>(() => Cache.RemoveByTagAsync("bad\ntag"));
        await Assert.ThrowsAsync<InvalidCacheOptionsException>(() => _cluster.Client.GetGrain<ITagGrain>("a,b").InvalidateAsync());
    }
}
