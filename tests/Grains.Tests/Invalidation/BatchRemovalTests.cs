using CacheCluster.Invalidation;
using CacheCluster.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace CacheCluster.Tests.Invalidation;

/// <summary>A tag's removal in one batch per silo (<see cref="SiloInvalidationGrain"/>), on the three-silo memory cluster.</summary>
[Collection(MemoryClusterCollection.Name)]
public sealed class BatchRemovalTests(MemoryClusterFixture fixture)
{
    private const int Keys = 300;
    private readonly CacheTestCluster _cluster = fixture.Cluster;

    private IClusterCache Cache => _cluster.Cache;

    [Fact]
    public async Task RemoveByTag_ManyKeysActiveOnEverySilo_RemovesAll_AndLaterWritesSurvive()
    {
        var tag = "batch:" + Guid.NewGuid().ToString("N");
        var keys = Enumerable.Range(0, Keys).Select(i => CacheTestCluster.NewKey($"batch{i}")).ToArray();
        await SetAllAsync(keys, "v", tag);
        var activeOn = _cluster.Cluster.Silos.Select(s => keys.Count(key => s.ServiceProvider.GetRequiredService<LocalEntries>().TryGet(key, out _, out _))).ToArray();

        Assert.Equal(Keys, await Cache.RemoveByTagAsync(tag));

        // Spread over the silos, each silo took its own keys.
        Assert.Equal(Keys, activeOn.Sum());
        Assert.True(activeOn.Count(n => n > 0) > 1, $"keys active per silo: {string.Join(", ", activeOn)}");
        Assert.All(await Task.WhenAll(keys.Select(key => Cache.ExistsAsync(key))), Assert.False);
        Assert.Equal(0, await Cache.RemoveByTagAsync(tag));

        await Task.WhenAll(keys.Take(10).Select(key => Cache.SetAsync(key, "after", new CacheEntryOptions { Tags = [tag] })));
        Assert.All(await Task.WhenAll(keys.Take(10).Select(key => Cache.TryGetAsync<string>(key))), r => Assert.Equal("after", r.Value));
        Assert.Equal(10, await Cache.RemoveByTagAsync(tag));
    }

    [Fact]
    public async Task RemoveByTag_RacingWrites_NeverLeaveTheRemovedValue_AndAcknowledgedLaterWritesSurvive()
    {
        var tag = "race:" + Guid.NewGuid().ToString("N");
        var keys = Enumerable.Range(0, Keys).Select(i => CacheTestCluster.NewKey($"race{i}")).ToArray();
        await SetAllAsync(keys, "removed", tag);
        var racing = keys.Where((_, i) => i % 2 == 0).ToArray();

        var removal = Cache.RemoveByTagAsync(tag);
        var writes = racing.Select(key => Cache.SetAsync(key, "racing", new CacheEntryOptions { Tags = [tag] })).ToArray();
        var removed = await removal;
        var afterRemoval = keys.Where((_, i) => i % 3 == 0).ToArray();
        await Task.WhenAll(writes);
        await Task.WhenAll(afterRemoval.Select(key => Cache.SetAsync(key, "later")));

        // Each key holds a write made during or after the removal, or nothing: never the removed value, and every write
        // acknowledged after the removal returned stands.
        var values = await Task.WhenAll(keys.Select(async key => (key, (await Cache.TryGetAsync<string>(key)).Value)));
        Assert.DoesNotContain(values, v => v.Value == "removed");
        Assert.All(values.Where(v => afterRemoval.Contains(v.key)), v => Assert.Equal("later", v.Value));
        Assert.All(values.Where(v => !racing.Contains(v.key) && !afterRemoval.Contains(v.key)), v => Assert.Null(v.Value));
        Assert.InRange(removed, Keys - racing.Length, Keys);
    }

    [Fact]
    public void ClientIds_AreReadFromObserversAndFromOrleansDropEvents()
    {
        var client = GrainId.Create("sys.client", "c1");
        var observer = GrainId.Create("sys.client", "c1+o1");

        Assert.Equal(client, NearCacheNotices.ClientOf(observer));
        Assert.Null(NearCacheNotices.ClientOf(client));
        Assert.Equal(client, ClientDropWatcher.ClientOf(new DroppedPayload(client)));
        Assert.Null(ClientDropWatcher.ClientOf(new object()));
    }

    [Fact]
    public async Task ClientDropEvent_ForAClientThatStillAnswers_KeepsItsTrackers()
    {
        var near = CacheTestCluster.NewCache(_cluster.Client, o => o.NearCache.Enabled = true);
        var key = CacheTestCluster.NewKey("tracked");
        await Cache.SetAsync(key, "v");
        await near.TryGetAsync<string>(key);
        Assert.Equal(1, (await _cluster.Grain(key).GetDiagnosticsAsync()).Trackers);
        var client = NearCacheNotices.ClientOf(((CacheCluster.Internal.ClusterCache)near).Near.Reference.GetGrainId())!.Value;

        // As on Orleans' gateway's drop event: the silos ask the client's tracker, which answers, so nothing is forgotten.
        await _cluster.Cluster.Silos[0].ServiceProvider.GetRequiredService<ClientDropWatcher>().ForgetAsync(client);

        Assert.Equal(1, (await _cluster.Grain(key).GetDiagnosticsAsync()).Trackers);
    }

    [Fact]
    public async Task Fill_AfterTheStoreChangedUnderItsLease_IsVoided_AndStoresNothing()
    {
        // What a silo's batch removal (or another activation) does: the record leaves the store behind the grain's back,
        // between a lease's grant and its fill. The fill's fenced write finds out, and its lease is void: no stale set.
        var tag = "fence:" + Guid.NewGuid().ToString("N");
        var key = CacheTestCluster.NewKey("fenced");
        var options = new GetOrSetOptions { Entry = new CacheEntryOptions { TimeToLive = TimeSpan.FromMinutes(5), FreshFor = TimeSpan.FromSeconds(10), Tags = [tag] } };
        await Cache.GetOrSetAsync(key, _ => Task.FromResult<string?>("v1"), options);
        _cluster.Clock.Advance(TimeSpan.FromSeconds(11));
        var lookup = await _cluster.Grain(key).GetOrLeaseAsync(new CacheLeaseRequest());
        Assert.Equal(CacheLeaseKind.Refresh, lookup.Lease!.Value.Kind);
        var silo = _cluster.Cluster.Silos.Single(s => s.ServiceProvider.GetRequiredService<LocalEntries>().TryGet(key, out _, out _));
        var store = silo.ServiceProvider.GetRequiredService<CacheCluster.Storage.IEntryStore>();
        var stored = await store.ReadAsync(key);
        Assert.True(await store.DeleteAsync(key, stored!.Version));

        var fill = await _cluster.Grain(key).FillAsync(lookup.Lease.Value.Token, new CacheValue("stale"u8.ToArray()), new CacheEntryOptions { Tags = [tag] });

        Assert.Equal(CacheWriteOutcome.LeaseVoided, fill.Outcome);
        Assert.Null(await store.ReadAsync(key));
        Assert.False(await Cache.ExistsAsync(key));
    }

    /// <summary>Writes in slices, so that a busy machine does not push single writes past the client's timeout.</summary>
    private async Task SetAllAsync(string[] keys, string value, string tag)
    {
        foreach (var slice in keys.Chunk(50))
        {
            await Task.WhenAll(slice.Select(key => Cache.SetAsync(key, value, new CacheEntryOptions { Tags = [tag] })));
        }
    }

    private sealed class DroppedPayload(GrainId clientId)
    {
#pragma warning disable CA1051 // Orleans' payload has public fields; this stands in for it.
        public readonly GrainId ClientId = clientId;
#pragma warning restore CA1051
    }
}
