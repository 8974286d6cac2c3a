using CacheCluster.Resilience;
using Microsoft.Extensions.Time.Testing;

namespace CacheCluster.Tests.Resilience;

public sealed class CircuitBreakerTests
{
    private readonly FakeTimeProvider _clock = new();

    [Fact]
    public void OpensAfterThresholdConsecutiveFailures_SuccessInBetweenStartsTheCountOver()
    {
        var breaker = new CircuitBreaker(3, TimeSpan.FromSeconds(5), _clock);
        breaker.OnFailure();
        breaker.OnFailure();
        breaker.OnSuccess();
        breaker.OnFailure();
        breaker.OnFailure();
        Assert.Equal(CircuitBreakerState.Closed, breaker.State);
        Assert.True(breaker.TryEnter(out var probe));
        Assert.False(probe);

        var opened = 0;
        breaker.Opened += () => opened++;
        breaker.OnFailure();

        // Failures that arrive together (calls in flight to a silo that just died) are one event: the streak must last.
        Assert.Equal(CircuitBreakerState.Closed, breaker.State);
        _clock.Advance(CircuitBreaker.MinimumStreak);
        breaker.OnFailure();

        Assert.Equal(CircuitBreakerState.Open, breaker.State);
        Assert.Equal(1, opened);
        Assert.False(breaker.TryEnter(out _));
    }

    [Fact]
    public void AfterTheBreak_OneProbeGoesOut_ItsSuccessCloses_ItsFailureOpensAgain()
    {
        var breaker = new CircuitBreaker(1, TimeSpan.FromSeconds(5), _clock);
        var closed = 0;
        breaker.Closed += () => closed++;
        Open(breaker);

        _clock.Advance(TimeSpan.FromSeconds(4.9));
        Assert.False(breaker.TryEnter(out _));
        _clock.Advance(TimeSpan.FromSeconds(0.1));
        Assert.True(breaker.TryEnter(out var probe));
        Assert.True(probe);
        Assert.Equal(CircuitBreakerState.HalfOpen, breaker.State);

        // While the probe is out, the others still answer through the fallbacks.
        Assert.False(breaker.TryEnter(out _));

        breaker.OnFailure();
        Assert.Equal(CircuitBreakerState.Open, breaker.State);
        Assert.False(breaker.TryEnter(out _));

        _clock.Advance(TimeSpan.FromSeconds(5));
        Assert.True(breaker.TryEnter(out probe));
        Assert.True(probe);
        breaker.OnSuccess();
        Assert.Equal(CircuitBreakerState.Closed, breaker.State);
        Assert.Equal(1, closed);
        Assert.True(breaker.TryEnter(out probe));
        Assert.False(probe);
    }

    [Fact]
    public void AnAbandonedProbe_HandsTheProbeToTheNextCaller()
    {
        var breaker = new CircuitBreaker(1, TimeSpan.FromSeconds(5), _clock);
        Open(breaker);
        _clock.Advance(TimeSpan.FromSeconds(5));
        Assert.True(breaker.TryEnter(out var probe));

        breaker.OnAbandoned(probe);

        Assert.True(breaker.TryEnter(out var next));
        Assert.True(next);
    }

    [Fact]
    public void Reconnecting_EndsTheBreakAtOnce()
    {
        var breaker = new CircuitBreaker(1, TimeSpan.FromMinutes(5), _clock);
        Open(breaker);
        Assert.False(breaker.TryEnter(out _));

        breaker.OnReconnected();

        Assert.True(breaker.TryEnter(out var probe));
        Assert.True(probe);
    }

    /// <summary>With a threshold of 1, one failure opens the breaker at once.</summary>
    private static void Open(CircuitBreaker breaker)
    {
        breaker.OnFailure();
        Assert.Equal(CircuitBreakerState.Open, breaker.State);
    }
}
