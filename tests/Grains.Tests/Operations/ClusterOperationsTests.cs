using CacheCluster.Operations;
using CacheCluster.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace CacheCluster.Tests.Operations;

[Collection(MemoryClusterCollection.Name)]
public sealed class ClusterOperationsTests(MemoryClusterFixture fixture)
{
    private readonly CacheTestCluster _cluster = fixture.Cluster;

    private ClusterOperations Operations => _cluster.Cluster.Silos[0].ServiceProvider.GetRequiredService<ClusterOperations>();

    [Fact]
    public async Task ClusterStatus_EverySiloAnswers_AndTotalsAddUp()
    {
        var key = CacheTestCluster.NewKey("status");
        await _cluster.Cache.SetAsync(key, "v");
        var before = await Operations.GetStatusAsync();
        for (var i = 0; i < 5; i++)
        {
            await _cluster.Grain(key).GetAsync();
        }

        await _cluster.Grain(CacheTestCluster.NewKey("missing")).GetAsync();

        // The calls above fall in the current second of the cache clock: one second later they count.
        _cluster.Clock.Advance(TimeSpan.FromSeconds(1));
        var status = await Operations.GetStatusAsync();

        Assert.Equal(_cluster.Cluster.Silos.Count, status.Silos.Count);
        Assert.All(status.Silos, silo =>
        {
            Assert.Equal("Active", silo.Status);
            Assert.NotNull(silo.Figures);
            Assert.Null(silo.Error);
            Assert.False(string.IsNullOrEmpty(silo.Version));
            Assert.True(silo.Figures.RssBytes > 0);
        });
        Assert.Equal(status.Silos.Count, status.Totals.ReportingSilos);
        Assert.Equal(status.Silos.Count, status.Totals.ActiveSilos);
        Assert.Equal(status.Silos.Sum(silo => silo.Figures!.Hits), status.Totals.Hits);
        Assert.True(status.Totals.Hits - before.Totals.Hits >= 5, $"hits {before.Totals.Hits} -> {status.Totals.Hits}");
        Assert.True(status.Totals.Misses - before.Totals.Misses >= 1);
        Assert.True(status.Totals.OpsPerSecond > 0);
        Assert.InRange(status.Totals.HitRatio!.Value, 0, 1);
        Assert.True(status.Totals.ActiveEntries >= 1);
        Assert.NotNull(status.Totals.ResidentRecords);
    }

    [Fact]
    public async Task HotKeys_MergeAcrossSilos_HammeredKeyIsListedWithItsHash()
    {
        var hot = CacheTestCluster.NewKey("hot");
        await _cluster.Cache.SetAsync(hot, "v");
        for (var i = 0; i < 200; i++)
        {
            await _cluster.Grain(hot).GetAsync();
        }

        var keys = await Operations.GetHotKeysAsync(1_000);

        var entry = Assert.Single(keys, key => key.Key == hot);
        Assert.Equal(CacheKey.Hash(hot), entry.Hash);
        Assert.True(entry.Count >= 201, $"count {entry.Count}");
        Assert.Equal(keys.OrderByDescending(key => key.Count).Select(key => key.Count), keys.Select(key => key.Count));
    }

    [Fact]
    public async Task SlowLog_FakeClockStandsStill_NothingIsSlow()
    {
        // The cache clock is fake here, so no entry call lasts 10 ms by it: the merged log is empty but answers.
        await _cluster.Grain(CacheTestCluster.NewKey("quick")).GetAsync();
        Assert.Empty(await Operations.GetSlowLogAsync(100));
    }
}
