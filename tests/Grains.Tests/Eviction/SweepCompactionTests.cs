using CacheCluster.Eviction;
using CacheCluster.Hosting;
using CacheCluster.Operations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
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
    public void SweepCompactionService_SweepEndsWhileBusy_CollectsInBackground_ThenCompactsOnceQuiet()
    {
        var (clock, table, memory, operations, service) = NewService();
        var activations = Fill(table, 12_000);

        // 100 operations a second: busy.
        Assert.False(service.Check());
        Release(table, activations[..11_000]);
        Busy(clock, operations, SweepCompactionService.SampleInterval);
        Assert.False(service.Check());   // the first sample after the drop: the sweep may go on
        Busy(clock, operations, SweepCompactionService.SampleInterval);
        Assert.True(service.Check());
        Assert.Equal((1, 0), (memory.Background, memory.Compactions));

        // Still busy: no compaction; then quiet for the rate's window: one compaction, and no more.
        Busy(clock, operations, SweepCompactionService.SampleInterval);
        Assert.False(service.Check());
        clock.Advance(SweepCompactionService.SampleInterval);
        Assert.True(service.Check());
        clock.Advance(SweepCompactionService.SampleInterval);
        Assert.False(service.Check());
        Assert.Equal((1, 1), (memory.Background, memory.Compactions));
    }

    [Fact]
    public void SweepCompactionService_SweepEndsInQuiet_CompactsAtOnce_NoBackgroundCollection()
    {
        var (clock, table, memory, _, service) = NewService();
        var activations = Fill(table, 12_000);

        Assert.False(service.Check());
        Release(table, activations[..11_000]);
        clock.Advance(SweepCompactionService.SampleInterval);
        Assert.False(service.Check());
        clock.Advance(SweepCompactionService.SampleInterval);
        Assert.True(service.Check());
        clock.Advance(SweepCompactionService.SampleInterval);
        Assert.False(service.Check());
        Assert.Equal((0, 1), (memory.Background, memory.Compactions));
    }

    private static (FakeTimeProvider Clock, ActiveEntryTable Table, CountingMemory Memory, SiloOperations Operations, SweepCompactionService Service) NewService()
    {
        var clock = new FakeTimeProvider(Start);
        var table = new ActiveEntryTable(new EvictionTrigger());
        var memory = new CountingMemory();
        var operations = new SiloOperations(clock, Options.Create(new OperationsOptions()));
        var services = new ServiceCollection().AddSingleton(operations).BuildServiceProvider();
        return (clock, table, memory, operations, new SweepCompactionService(table, memory, services, clock, NullLogger<SweepCompactionService>.Instance));
    }

    private static Resident[] Fill(ActiveEntryTable table, int count)
    {
        var activations = Enumerable.Range(0, count).Select(_ => new Resident()).ToArray();
        foreach (var activation in activations)
        {
            table.Add(activation);
        }

        return activations;
    }

    private static void Release(ActiveEntryTable table, IEnumerable<Resident> activations)
    {
        foreach (var activation in activations)
        {
            table.Remove(activation);
        }
    }

    /// <summary>Advances <paramref name="clock"/> by <paramref name="duration"/>, 100 entry operations in each second.</summary>
    private static void Busy(FakeTimeProvider clock, SiloOperations operations, TimeSpan duration)
    {
        for (var second = 0; second < duration.TotalSeconds; second++)
        {
            for (var i = 0; i < 100; i++)
            {
                operations.Rate.Record();
            }

            clock.Advance(TimeSpan.FromSeconds(1));
        }
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
        public int Background { get; private set; }

        public int Compactions { get; private set; }

        public long ResidentBytes() => 0;

        public long ManagedHeapBytes() => 0;

        public void Collect() => Compactions++;

        public void CollectInBackground() => Background++;
    }
}
