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

        // One slow call (a cold start) is not enough; an answer in between starts over.
        circuits.Open("frozen");
        Assert.False(circuits.IsOpen("frozen"));
        circuits.Close("frozen");
        circuits.Open("frozen");
        Assert.False(circuits.IsOpen("frozen"));
        circuits.Open("frozen");

        Assert.True(circuits.IsOpen("frozen"));
        Assert.False(circuits.IsOpen("healthy"));
        clock.Advance(TimeSpan.FromSeconds(5));
        Assert.False(circuits.IsOpen("frozen"));
        Assert.Equal(0, circuits.Count);

        circuits.Open("frozen");
        Assert.True(circuits.IsOpen("frozen"));
        circuits.Close("frozen");
        Assert.False(circuits.IsOpen("frozen"));
    }

    [Fact]
    public void Bounded_PastItsCapacityItStartsOver()
    {
        var circuits = new KeyCircuits(TimeSpan.FromSeconds(5), new FakeTimeProvider(), capacity: 2);
        foreach (var key in new[] { "a", "a", "b", "b" })
        {
            circuits.Open(key);
        }

        circuits.Open("c");
        circuits.Open("c");

        Assert.Equal(1, circuits.Count);
        Assert.True(circuits.IsOpen("c"));
    }
}
