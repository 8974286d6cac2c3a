using CacheCluster.Tests.Fixtures;

namespace CacheCluster.Tests.Operations;

[Collection(MemoryClusterCollection.Name)]
public sealed class EntryDiagnosticsTests(MemoryClusterFixture fixture)
{
    private readonly CacheTestCluster _cluster = fixture.Cluster;

    [Fact]
    public async Task Diagnostics_TagInvalidation_IsRemembered_AfterTheKeyIsGoneAndRefilled()
    {
        var tag = "diag:" + Guid.NewGuid().ToString("N");
        var key = CacheTestCluster.NewKey("diag");
        await _cluster.Cache.SetAsync(key, "v", new CacheEntryOptions { Tags = [tag] });
        Assert.Null((await _cluster.Grain(key).GetDiagnosticsAsync()).LastInvalidation);

        _cluster.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, await _cluster.Cache.RemoveByTagAsync(tag));
        var removedAt = _cluster.Clock.GetUtcNow();
        var gone = await _cluster.Grain(key).GetDiagnosticsAsync();

        await _cluster.Cache.SetAsync(key, "v2");
        var refilled = await _cluster.Grain(key).GetDiagnosticsAsync();

        Assert.Equal(("direct", removedAt), (gone.LastInvalidation, gone.LastInvalidatedAt));
        Assert.Equal(gone, refilled);
    }

    [Fact]
    public async Task Diagnostics_PlainDelete_IsNoInvalidation_AndALeaseIsShown()
    {
        var key = CacheTestCluster.NewKey("diag-lease");
        await _cluster.Cache.SetAsync(key, "v");
        await _cluster.Cache.RemoveAsync(key);

        var lookup = await _cluster.Grain(key).GetOrLeaseAsync(new CacheLeaseRequest());
        var diagnostics = await _cluster.Grain(key).GetDiagnosticsAsync();

        Assert.NotNull(lookup.Lease);
        Assert.Equal(lookup.Lease, diagnostics.Lease);
        Assert.Equal((0, 0, null), (diagnostics.Waiters, diagnostics.Trackers, diagnostics.LastInvalidation));
    }
}
