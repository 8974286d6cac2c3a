using CacheCluster.Resilience;
using Microsoft.Extensions.Time.Testing;

namespace CacheCluster.Tests.Resilience;

public sealed class KeyCircuitsTests
{
    [Fact]
    public void AKeyWhoseCallTimedOut_IsNotCalledForTheBreak_ThenOneCallGoesOut_TheOthersAreUntouched()
    {
        var clock = new FakeTimeProvider();
        var circuits = new KeyCircuits(TimeSpan.FromSeconds(5), clock);

        circuits.Open("frozen");

        Assert.True(circuits.IsOpen("frozen"));
        Assert.False(circuits.IsOpen("healthy"));
        clock.Advance(TimeSpan.FromSeconds(5));
        Assert.False(circuits.IsOpen("frozen"));
        Assert.Equal(0, circuits.Count);

        circuits.Open("frozen");
        circuits.Close("frozen");
        Assert.False(circuits.IsOpen("frozen"));
    }

    [Fact]
    public void Bounded_PastItsCapacityItStartsOver()
    {
        var circuits = new KeyCircuits(TimeSpan.FromSeconds(5), new FakeTimeProvider(), capacity: 2);
        circuits.Open("a");
        circuits.Open("b");

        circuits.Open("c");

        Assert.Equal(1, circuits.Count);
        Assert.True(circuits.IsOpen("c"));
    }
}
