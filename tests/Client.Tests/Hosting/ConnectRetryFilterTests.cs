using CacheCluster.Internal;
using Microsoft.Extensions.Time.Testing;
using Orleans.Runtime.Messaging;

namespace CacheCluster.Tests.Hosting;

/// <summary>The connect retry filter on fake time: the waits, their cap, and when it gives up.</summary>
public sealed class ConnectRetryFilterTests
{
    private static readonly Exception Refused = new ConnectionFailedException("Unable to connect to any of the 1 available gateways.");

    [Fact]
    public void DelayAfter_DoublesFrom250Milliseconds_UpTo5Seconds()
    {
        var delays = Enumerable.Range(1, 8).Select(ConnectRetryFilter.DelayAfter).Select(d => d.TotalMilliseconds);

        Assert.Equal([250, 500, 1000, 2000, 4000, 5000, 5000, 5000], delays);
        Assert.Equal(TimeSpan.FromSeconds(5), ConnectRetryFilter.DelayAfter(int.MaxValue));
    }

    [Fact]
    public async Task Filter_WithoutLimit_WaitsEachDelayOnTheClock_AndNeverGivesUp()
    {
        var clock = new FakeTimeProvider();
        var filter = new ConnectRetryFilter(giveUpAfter: null, clock);

        for (var attempt = 1; attempt <= 1000; attempt++)
        {
            var delay = ConnectRetryFilter.DelayAfter(attempt);
            var retry = filter.ShouldRetryConnectionAttempt(Refused, CancellationToken.None);
            clock.Advance(delay - TimeSpan.FromMilliseconds(1));
            Assert.False(retry.IsCompleted);
            clock.Advance(TimeSpan.FromMilliseconds(1));
            Assert.True(await retry.WaitAsync(TimeSpan.FromSeconds(10)));
        }

        Assert.Equal(1000, filter.Failures);
    }

    [Fact]
    public async Task Filter_WithLimit_GivesUpOnceTheLimitHasPassedSinceTheFirstFailure()
    {
        var clock = new FakeTimeProvider();
        var filter = new ConnectRetryFilter(TimeSpan.FromSeconds(1), clock);

        var first = filter.ShouldRetryConnectionAttempt(Refused, CancellationToken.None);
        clock.Advance(TimeSpan.FromMilliseconds(250));
        Assert.True(await first.WaitAsync(TimeSpan.FromSeconds(10)));
        var second = filter.ShouldRetryConnectionAttempt(Refused, CancellationToken.None);
        clock.Advance(TimeSpan.FromMilliseconds(500));
        Assert.True(await second.WaitAsync(TimeSpan.FromSeconds(10)));
        clock.Advance(TimeSpan.FromMilliseconds(249));
        var third = filter.ShouldRetryConnectionAttempt(Refused, CancellationToken.None);
        Assert.False(third.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(await third.WaitAsync(TimeSpan.FromSeconds(10)));

        Assert.False(await filter.ShouldRetryConnectionAttempt(Refused, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Filter_Cancelled_StopsWaiting()
    {
        var filter = new ConnectRetryFilter(giveUpAfter: null, new FakeTimeProvider());
        using var stopping = new CancellationTokenSource();

        var retry = filter.ShouldRetryConnectionAttempt(Refused, stopping.Token);
        await stopping.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => retry.WaitAsync(TimeSpan.FromSeconds(10)));
    }
}
