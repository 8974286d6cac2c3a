using CacheCluster.Resilience;
using Microsoft.Extensions.Time.Testing;

namespace CacheCluster.Tests.Resilience;

public sealed class KeyCircuitsTests
{
    [Fact]
    public void AKeyWhoseCallsTimedOutTwice_IsNotCalledForTheBreak_ThenOneCallGoesOut_TheOthersAreUntouched()
    {
        var clock = new FakeTimeProvider();
        var circuits = new KeyCircuits(TimeSpan.FromSeconds(5), clock);

        // One slow call (a cold start) is not enough; an answer in between starts over; calls in flight together
        // (sent before the first timed out) count once.
        var sent = clock.GetTimestamp();
        circuits.Open("frozen", sent);
        Assert.False(circuits.IsOpen("frozen"));
        circuits.Close("frozen");
        circuits.Open("frozen", clock.GetTimestamp());
        circuits.Open("frozen", sent);
        Assert.False(circuits.IsOpen("frozen"));
        clock.Advance(TimeSpan.FromMilliseconds(1));
        circuits.Open("frozen", clock.GetTimestamp());

        Assert.True(circuits.IsOpen("frozen"));
        Assert.False(circuits.IsOpen("healthy"));
        clock.Advance(TimeSpan.FromSeconds(5));
        Assert.False(circuits.IsOpen("frozen"));
        Assert.Equal(0, circuits.Count);

        circuits.Open("frozen", clock.GetTimestamp());
        Assert.True(circuits.IsOpen("frozen"));
        circuits.Close("frozen");
        Assert.False(circuits.IsOpen("frozen"));
    }

    [Fact]
    public void Bounded_PastItsCapacityItStartsOver()
    {
        var clock = new FakeTimeProvider();
        var circuits = new KeyCircuits(TimeSpan.FromSeconds(5), clock, capacity: 2);
        foreach (var key in new[] { "a", "a", "b", "b", "c", "c" })
        {
            circuits.Open(key, clock.GetTimestamp());
            clock.Advance(TimeSpan.FromMilliseconds(1));
        }


        Assert.Equal(1, circuits.Count);
        Assert.True(circuits.IsOpen("c"));
    }
}
