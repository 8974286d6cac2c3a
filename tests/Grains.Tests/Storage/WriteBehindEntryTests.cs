using CacheCluster.Entries;
using CacheCluster.Storage;

namespace CacheCluster.Tests.Storage;

/// <summary>The write-behind entry's state machine alone: no silo, no store.</summary>
public sealed class WriteBehindEntryTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 8, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void TakeAndComplete_WithNoOneWaiting_NeedNoFlightSignal_AndLeaveTheEntryClean()
    {
        var entry = new WriteBehindEntry("k");
        Assert.True(entry.Update(null, Record(1)));

        var change = entry.Take(Now);

        Assert.NotNull(change);
        Assert.Equal(0, change.ExpectedVersion);
        Assert.False(entry.IsClean);
        Assert.False(entry.Complete(WriteBehindOutcome.Applied));
        Assert.True(entry.IsClean);
        Assert.Null(entry.Flight);
    }

    [Fact]
    public void Flight_AskedWhileInFlight_CompletesWithTheAnswer_AndANewerStateIsFencedOnTheAppliedOne()
    {
        var entry = new WriteBehindEntry("k");
        entry.Update(null, Record(1));
        Assert.NotNull(entry.Take(Now));
        Assert.False(entry.Update(null, Record(2)));

        var flight = entry.Flight;
        Assert.NotNull(flight);
        Assert.Same(flight, entry.Flight);
        Assert.False(flight.IsCompleted);
        Assert.Null(entry.Take(Now));

        Assert.True(entry.Complete(WriteBehindOutcome.Applied));
        Assert.True(flight.IsCompletedSuccessfully);

        var next = entry.Take(Now);
        Assert.NotNull(next);
        Assert.Equal(1, next.ExpectedVersion);
        Assert.Equal(2, next.Record!.Version);
        var second = entry.Flight;
        Assert.NotNull(second);
        Assert.NotSame(flight, second);
        Assert.False(entry.Complete(WriteBehindOutcome.Applied));
        Assert.True(second.IsCompleted);
        Assert.True(entry.IsClean);
    }

    [Fact]
    public void FailedChange_IsPendingAgain_AndAFencedOneDropsThePendingState()
    {
        var entry = new WriteBehindEntry("k");
        entry.Update(null, Record(1));
        entry.Take(Now);
        Assert.True(entry.Complete(WriteBehindOutcome.Failed));
        Assert.False(entry.IsClean);

        Assert.NotNull(entry.Take(Now));
        Assert.False(entry.Complete(WriteBehindOutcome.Fenced));
        Assert.True(entry.IsClean);
        Assert.True(entry.TakeConflict());
        Assert.False(entry.TakeConflict());
    }

    private static EntryRecord Record(long version) => new()
    {
        Version = version,
        Kind = CacheEntryKind.Value,
        Value = [1, 2, 3],
        LastModified = Now,
    };
}
