using CacheCluster.Operations;
using Microsoft.Extensions.Time.Testing;

namespace CacheCluster.Tests.Operations;

public sealed class OperationRateTests
{
    [Fact]
    public void OperationRate_CountsWholeSecondsOfTheLastMinute_NotTheCurrentOne()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var rate = new OperationRate(clock);
        for (var i = 0; i < 120; i++)
        {
            rate.Record();
        }

        // The current second is still filling: it does not count yet.
        Assert.Equal(0, rate.LastMinute());

        clock.Advance(TimeSpan.FromSeconds(1));
        rate.Record();
        Assert.Equal(120, rate.LastMinute());
        Assert.Equal(2.0, rate.PerSecond());

        // 60 s after the busy second it has left the window; the one operation after it has not.
        clock.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(121, rate.LastMinute());
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, rate.LastMinute());
    }

    [Fact]
    public void OperationRate_ReusedSlot_RestartsItsCount()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var rate = new OperationRate(clock);
        rate.Record();
        rate.Record();

        // Exactly one window later the same slot serves a new second and starts from zero.
        clock.Advance(TimeSpan.FromSeconds(OperationRate.WindowSeconds));
        rate.Record();
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, rate.LastMinute());
    }

    [Fact]
    public void OperationRate_LastSeconds_CountsOnlyThoseWholeSeconds_AndRefusesOutOfRange()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var rate = new OperationRate(clock);
        for (var second = 0; second < 10; second++)
        {
            rate.Record();
            clock.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(5, rate.LastSeconds(5));
        Assert.Equal(10, rate.LastSeconds(OperationRate.WindowSeconds));
        clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(0, rate.LastSeconds(5));
        Assert.Throws<ArgumentOutOfRangeException>(() => rate.LastSeconds(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => rate.LastSeconds(OperationRate.WindowSeconds + 1));
    }
}
