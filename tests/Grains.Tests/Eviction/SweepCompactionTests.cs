using CacheCluster.Eviction;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace CacheCluster.Tests.Eviction;

/// <summary>When the silo compacts after a collection sweep: samples of the active count on a fake clock's times.</summary>
public sealed class SweepCompactionTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void SweepCompaction_LargeSweepEnds_CompactsOnceWhenTheCountStopsFalling()
    {
        var policy = new SweepCompaction();
        var now = Start;

        Assert.False(policy.Sample(100_000, now));
        Assert.False(policy.Sample(60_000, now += TimeSpan.FromSeconds(5)));   // still falling
        Assert.False(policy.Sample(2_000, now += TimeSpan.FromSeconds(5)));    // still falling
        Assert.True(policy.Sample(2_000, now += TimeSpan.FromSeconds(5)));     // settled: 98,000 released
        Assert.False(policy.Sample(2_000, now += TimeSpan.FromSeconds(5)));    // nothing released since
    }

    [Fact]
    public void SweepCompaction_SmallRelease_NeverCompacts()
    {
        var policy = new SweepCompaction();
        var now = Start;

        // 9,999 activations go: under MinReleased.
        Assert.False(policy.Sample(20_000, now));
        Assert.False(policy.Sample(10_001, now += TimeSpan.FromSeconds(5)));
        Assert.False(policy.Sample(10_001, now += TimeSpan.FromMinutes(5)));

        // A quarter of a large peak is needed too: 50,000 of 400,000 is not enough.
        var large = new SweepCompaction();
        Assert.False(large.Sample(400_000, now));
        Assert.False(large.Sample(350_000, now += TimeSpan.FromSeconds(5)));
        Assert.False(large.Sample(350_000, now += TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public void SweepCompaction_TwoSweepsInARow_WaitsMinIntervalBetweenCompactions()
    {
        var policy = new SweepCompaction();
        var now = Start;
        policy.Sample(100_000, now);
        policy.Sample(0, now += TimeSpan.FromSeconds(5));
        Assert.True(policy.Sample(0, now += TimeSpan.FromSeconds(5)));

        // Refilled and swept again 10 s later: due only once MinInterval has passed since the last compaction.
        Assert.False(policy.Sample(100_000, now += TimeSpan.FromSeconds(5)));
        Assert.False(policy.Sample(0, now += TimeSpan.FromSeconds(5)));
        Assert.False(policy.Sample(0, now += TimeSpan.FromSeconds(5)));
        Assert.True(policy.Sample(0, Start + TimeSpan.FromSeconds(10) + SweepCompaction.MinInterval));
    }

    [Fact]
    public void SweepCompactionService_ActivationsLeaveInBulk_CollectsOnceWhenTheSweepEnds()
    {
        var clock = new FakeTimeProvider(Start);
        using var trigger = new EvictionTrigger();
        var table = new ActiveEntryTable(trigger);
        var memory = new CountingMemory();
        var service = new SweepCompactionService(table, memory, clock, NullLogger<SweepCompactionService>.Instance);
        var activations = Enumerable.Range(0, 12_000).Select(_ => new Resident()).ToArray();
        foreach (var activation in activations)
        {
            table.Add(activation);
        }

        Assert.False(service.Check());
        foreach (var activation in activations[..11_000])
        {
            table.Remove(activation);
        }

        clock.Advance(SweepCompactionService.SampleInterval);
        Assert.False(service.Check());   // the first sample after the drop: the sweep may go on
        clock.Advance(SweepCompactionService.SampleInterval);
        Assert.True(service.Check());
        clock.Advance(SweepCompactionService.SampleInterval);
        Assert.False(service.Check());
        Assert.Equal(1, memory.Collections);
    }

    private sealed class Resident : IResidentActivation
    {
        public int ResidentIndex { get; set; } = -1;

        public int LastUsed => 0;

        public bool IsGoing => false;

        public bool IsEvictable => true;

        public bool TryEvict(EvictionReason reason) => false;
    }

    private sealed class CountingMemory : IProcessMemory
    {
        public int Collections { get; private set; }

        public long ResidentBytes() => 0;

        public long ManagedHeapBytes() => 0;

        public void Collect() => throw new InvalidOperationException("An idle sweep must not block the silo on a collection.");

        public void CollectInBackground() => Collections++;
    }
}
