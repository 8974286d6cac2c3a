using CacheCluster.Expiry;
using CacheCluster.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace CacheCluster.Tests.Expiry;

/// <summary>
/// The silo's own expiry loop on the cache clock: it releases an expired entry (grain and stored record) with nobody
/// reading the key, and hours of cache time cost dozens of sweeps, not one a second.
/// </summary>
public sealed class ExpirySweepTests(LongSweepClusterFixture fixture) : IClassFixture<LongSweepClusterFixture>
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(30);
    private readonly CacheTestCluster _cluster = fixture.Cluster;

    private IClusterCache Cache => _cluster.Cache;

    /// <summary>Advances the clock, then waits for the loop's round at the new time, so no round is still to come.</summary>
    private async Task<int> AdvanceAndCountRoundsAsync(TimeSpan by)
    {
        var before = fixture.Probe.Rounds;
        var target = _cluster.Clock.GetUtcNow() + by;
        var round = fixture.Probe.WaitForRoundAt(target - LongSweepClusterFixture.SweepInterval);
        _cluster.Clock.Advance(by);
        await round.WaitAsync(WaitLimit);
        return fixture.Probe.Rounds - before;
    }

    [Fact]
    public async Task ExpiredEntry_TheSilosOwnSweepDeactivatesItsGrain_AndRemovesTheStoredRecord()
    {
        var key = CacheTestCluster.NewKey();
        var grain = _cluster.Grain(key);
        await Cache.SetAsync(key, "v", new CacheEntryOptions { TimeToLive = TimeSpan.FromSeconds(10) });
        var expiresAt = _cluster.Clock.GetUtcNow().AddSeconds(10);
        Assert.True(_cluster.Cluster.TryGetGrainContext(grain.GetGrainId(), out var context));
        Assert.NotNull(await _cluster.MemoryStore!.ReadAsync(key));

        // The probe runs last in each round, so the store's own sweep has run before it with the same time.
        var sweeps = _cluster.Cluster.Silos[0].ServiceProvider.GetServices<IExpirySweep>().ToList();
        Assert.Contains(_cluster.MemoryStore, sweeps);
        Assert.Same(fixture.Probe, sweeps[^1]);

        // Nobody reads the key: the silo's expiry loop alone must release it. Two intervals hold a round past expiry.
        var round = fixture.Probe.WaitForRoundAt(expiresAt);
        _cluster.Clock.Advance(2 * LongSweepClusterFixture.SweepInterval);
        await round.WaitAsync(WaitLimit);
        await context!.Deactivated.WaitAsync(WaitLimit);

        Assert.Null(await _cluster.MemoryStore.ReadAsync(key));
        Assert.False(await Cache.ExistsAsync(key));
    }

    [Fact]
    public async Task NoExpiry_LivesUntilRemoved()
    {
        var key = CacheTestCluster.NewKey();
        await Cache.SetAsync(key, "v");

        var rounds = await AdvanceAndCountRoundsAsync(TimeSpan.FromHours(6));

        Assert.InRange(rounds, 1, 38); // 36 ticks in 6 h, and at most two rounds left over from an earlier advance
        Assert.Equal(new CacheTimeToLive { Exists = true }, await Cache.GetTimeToLiveAsync(key));
        Assert.Equal(CacheEntryState.Fresh, (await Cache.TryGetAsync<string>(key)).State);
        Assert.True(await Cache.RemoveAsync(key));
        Assert.False(await Cache.ExistsAsync(key));
    }

    [Fact]
    public async Task FreshForOnly_GoesStaleButNeverExpires()
    {
        var key = CacheTestCluster.NewKey();
        await Cache.SetAsync(key, "v", new CacheEntryOptions { FreshFor = TimeSpan.FromSeconds(5) });

        var rounds = await AdvanceAndCountRoundsAsync(TimeSpan.FromHours(6));

        Assert.InRange(rounds, 1, 38); // 36 ticks in 6 h, and at most two rounds left over from an earlier advance
        var read = await Cache.TryGetAsync<string>(key);
        Assert.Equal(CacheEntryState.Stale, read.State);
        Assert.Equal("v", read.Value);
        Assert.Null(read.ExpiresAt);
    }
}
