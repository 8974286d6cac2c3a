using System.Diagnostics;
using CacheCluster.Hosting;
using CacheCluster.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;

namespace CacheCluster.Tests.Hosting;

/// <summary>
/// Orleans' watchdog can read its component-check timestamp before it is first set (0): the membership clock counts
/// timestamps from its own creation, so that reading is seconds, not the machine's uptime, and the false "deadlock"
/// warning stays below its threshold; real intervals are the system clock's.
/// </summary>
[Collection(MemoryClusterCollection.Name)]
public sealed class MembershipClockTests(MemoryClusterFixture fixture)
{
    [Fact]
    public void Silo_UsesTheMembershipClock_ForMembershipAndTheWatchdog()
    {
        var clock = fixture.Cluster.Cluster.Silos[0].ServiceProvider.GetRequiredKeyedService<TimeProvider>(TimeProviderNames.Membership);

        Assert.IsType<MembershipClock>(clock);

        // A timestamp of 0 (the watchdog's unset field) is as old as the silo, never the machine's uptime.
        var sinceZero = clock.GetElapsedTime(0);
        var processAge = DateTime.Now - Process.GetCurrentProcess().StartTime;
        Assert.InRange(sinceZero, TimeSpan.Zero, processAge);
    }

    [Fact]
    public void Intervals_AreTheSystemClocks()
    {
        var clock = new MembershipClock();
        var start = clock.GetTimestamp();
        var systemStart = Stopwatch.GetTimestamp();

        Thread.SpinWait(100_000);

        var measured = clock.GetElapsedTime(start);
        var system = Stopwatch.GetElapsedTime(systemStart);
        Assert.True(measured >= system - TimeSpan.FromMilliseconds(1) && measured > TimeSpan.Zero, $"membership {measured}, system {system}");
        Assert.Equal(Stopwatch.Frequency, clock.TimestampFrequency);
        Assert.InRange(clock.GetUtcNow() - TimeProvider.System.GetUtcNow(), TimeSpan.FromSeconds(-1), TimeSpan.FromSeconds(1));
    }
}
