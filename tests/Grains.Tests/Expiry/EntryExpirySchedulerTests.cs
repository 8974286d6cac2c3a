using CacheCluster.Expiry;

namespace CacheCluster.Tests.Expiry;

public sealed class EntryExpirySchedulerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task DueActivation_IsCalledOnce_AndNotBefore()
    {
        var scheduler = new EntryExpiryScheduler();
        var activation = new Recorder();
        var ticket = new ExpiryTicket(activation);
        scheduler.Schedule(ticket, T0.AddSeconds(10));

        await scheduler.SweepAsync(T0.AddSeconds(9), CancellationToken.None);
        Assert.Empty(activation.Calls);

        await scheduler.SweepAsync(T0.AddSeconds(10), CancellationToken.None);
        await scheduler.SweepAsync(T0.AddSeconds(11), CancellationToken.None);
        Assert.Equal([T0.AddSeconds(10)], activation.Calls);
        Assert.Equal(0, scheduler.Count);
    }

    [Fact]
    public async Task LaterExpiry_IsNotQueuedTwice_EarlierExpiryIs()
    {
        var scheduler = new EntryExpiryScheduler();
        var activation = new Recorder();
        var ticket = new ExpiryTicket(activation);

        scheduler.Schedule(ticket, T0.AddSeconds(10));
        scheduler.Schedule(ticket, T0.AddSeconds(20));
        Assert.Equal(1, scheduler.Count);

        scheduler.Schedule(ticket, T0.AddSeconds(5));
        Assert.Equal(2, scheduler.Count);

        await scheduler.SweepAsync(T0.AddSeconds(30), CancellationToken.None);
        Assert.Equal([T0.AddSeconds(30)], activation.Calls);
    }

    [Fact]
    public async Task ReleasedTicket_IsNeverCalled()
    {
        var scheduler = new EntryExpiryScheduler();
        var activation = new Recorder();
        var ticket = new ExpiryTicket(activation);
        scheduler.Schedule(ticket, T0.AddSeconds(1));

        scheduler.Release(ticket);
        await scheduler.SweepAsync(T0.AddSeconds(2), CancellationToken.None);

        Assert.Empty(activation.Calls);
        Assert.Null(ticket.Activation);
        scheduler.Schedule(ticket, T0.AddSeconds(3));
        Assert.Equal(0, scheduler.Count);
    }

    private sealed class Recorder : IExpiringActivation
    {
        public List<DateTimeOffset> Calls { get; } = [];

        public void OnExpiryDue(DateTimeOffset now) => Calls.Add(now);
    }
}
