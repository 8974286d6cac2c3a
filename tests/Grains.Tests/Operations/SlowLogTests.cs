using CacheCluster.Operations;
using Microsoft.Extensions.Time.Testing;

namespace CacheCluster.Tests.Operations;

public sealed class SlowLogTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public void SlowLog_KeepsOperationsFromTheThreshold_MostRecentFirst_Bounded()
    {
        var log = new SlowLog(_clock, TimeSpan.FromMilliseconds(10), maxLength: 3, includeKeys: false);
        Assert.False(log.Record("GetAsync", "fast", TimeSpan.FromMilliseconds(9.9), SlowPhases.Grain));
        for (var i = 0; i < 5; i++)
        {
            _clock.Advance(TimeSpan.FromSeconds(1));
            Assert.True(log.Record("SetAsync", $"k{i}", TimeSpan.FromMilliseconds(10 + i), SlowPhases.Grain));
        }

        var recent = log.Recent(10);
        Assert.Equal(5, log.Written);
        Assert.Equal([14.0, 13.0, 12.0], recent.Select(operation => operation.DurationMs));
        Assert.Equal(CacheKey.Hash("k4"), recent[0].Key);
        Assert.Equal(_clock.GetUtcNow(), recent[0].At);
        Assert.Equal(SlowPhases.Grain, recent[0].Phase);
        Assert.Single(log.Recent(1));
    }

    [Fact]
    public void SlowLog_IncludeKeys_ShowsTheKey()
    {
        var log = new SlowLog(_clock, TimeSpan.Zero, maxLength: 4, includeKeys: true);
        log.Record("fanout", "evt-1", TimeSpan.Zero, SlowPhases.FanOut);
        Assert.Equal(("fanout", "evt-1", SlowPhases.FanOut), (log.Recent(1)[0].Operation, log.Recent(1)[0].Key, log.Recent(1)[0].Phase));
    }
}
