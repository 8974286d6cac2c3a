using CacheCluster.Hosting;
using CacheCluster.RateLimiting.Internal;

namespace CacheCluster.Tests.RateLimiting;

/// <summary>Exact boundaries of each algorithm, to the tick.</summary>
public sealed class AlgorithmTests
{
    private static readonly long T0 = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).UtcTicks;

    private static long At(double seconds) => T0 + (long)Math.Round(seconds * TimeSpan.TicksPerSecond);

    private static long Ticks(double seconds) => (long)Math.Round(seconds * TimeSpan.TicksPerSecond);

    [Fact]
    public void FixedWindow_AdmitsLimit_ThenRefusesUntilTheAlignedWindowEnds()
    {
        var state = RateLimitState.Create(new RateLimitPolicyOptions { Algorithm = RateLimitAlgorithm.FixedWindow, Limit = 10, Window = TimeSpan.FromMinutes(1) }, T0);

        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(new RateLimitOutcome(true, 9 - i, 0, Ticks(60 - i)), state.Acquire(At(i), 1));
        }

        Assert.Equal(new RateLimitOutcome(false, 0, Ticks(50), Ticks(50)), state.Acquire(At(10), 1));
        Assert.Equal(new RateLimitOutcome(false, 0, 1, 1), state.Acquire(At(60) - 1, 1));
        Assert.Equal(new RateLimitOutcome(true, 9, 0, Ticks(60)), state.Acquire(At(60), 1));
    }

    [Fact]
    public void FixedWindow_CallerOncePerSecond_IsReleasedWhenTheWindowEnds()
    {
        // The seed's INCR-then-EXPIRE re-armed the window on every hit and never released such a caller.
        var state = RateLimitState.Create(new RateLimitPolicyOptions { Algorithm = RateLimitAlgorithm.FixedWindow, Limit = 10, Window = TimeSpan.FromSeconds(60) }, T0);

        var allowedAt = Enumerable.Range(0, 180).Where(s => state.Acquire(At(s), 1).Allowed).ToArray();

        Assert.Equal([.. Enumerable.Range(0, 10), .. Enumerable.Range(60, 10), .. Enumerable.Range(120, 10)], allowedAt);
    }

    [Fact]
    public void FixedWindow_PeekAndMultiplePermits()
    {
        var state = RateLimitState.Create(new RateLimitPolicyOptions { Algorithm = RateLimitAlgorithm.FixedWindow, Limit = 10, Window = TimeSpan.FromSeconds(10) }, T0);

        Assert.Equal(new RateLimitOutcome(true, 10, 0, 0), state.Acquire(At(1), 0));
        Assert.Equal(new RateLimitOutcome(true, 3, 0, Ticks(9)), state.Acquire(At(1), 7));
        Assert.Equal(new RateLimitOutcome(false, 3, Ticks(9), Ticks(9)), state.Acquire(At(1), 4));
        Assert.Equal(new RateLimitOutcome(true, 0, 0, Ticks(9)), state.Acquire(At(1), 3));
    }

    [Fact]
    public void SlidingLog_CountsEachPermitForExactlyOneWindow()
    {
        var state = RateLimitState.Create(new RateLimitPolicyOptions { Algorithm = RateLimitAlgorithm.SlidingWindow, Limit = 3, Window = TimeSpan.FromSeconds(10) }, T0);

        Assert.True(state.Acquire(At(0), 1).Allowed);
        Assert.True(state.Acquire(At(1), 1).Allowed);
        Assert.Equal(new RateLimitOutcome(true, 0, 0, Ticks(10)), state.Acquire(At(2), 1));
        Assert.Equal(new RateLimitOutcome(false, 0, Ticks(7), Ticks(9)), state.Acquire(At(3), 1));
        Assert.Equal(Ticks(8), state.Acquire(At(3), 2).RetryAfterTicks);
        Assert.False(state.Acquire(At(10) - 1, 1).Allowed);
        Assert.Equal(new RateLimitOutcome(true, 0, 0, Ticks(10)), state.Acquire(At(10), 1));
    }

    [Fact]
    public void SlidingWindow_WeightsThePreviousWindow_AndRetryAfterIsExact()
    {
        var state = RateLimitState.Create(new RateLimitPolicyOptions { Algorithm = RateLimitAlgorithm.SlidingWindow, Limit = 200, Window = TimeSpan.FromSeconds(10) }, T0);

        Assert.Equal(new RateLimitOutcome(true, 0, 0, Ticks(15)), state.Acquire(At(5), 200));

        // Next window: 200 × (1 − 0.05 s / 10 s) = 199 leaves room for one at exactly 10.05 s.
        var refused = state.Acquire(At(5), 1);
        Assert.Equal(new RateLimitOutcome(false, 0, Ticks(5.05), Ticks(15)), refused);
        Assert.False(state.Acquire(At(10.05) - 1, 1).Allowed);
        Assert.True(state.Acquire(At(10.05), 1).Allowed);
        Assert.False(state.Acquire(At(10.05), 1).Allowed);

        // Halfway through, half of the previous window still counts: 100 + 1 used.
        Assert.Equal(new RateLimitOutcome(true, 98, 0, Ticks(15)), state.Acquire(At(15), 1));
    }

    [Fact]
    public void SlidingWindow_RetryWithinTheCurrentWindow()
    {
        var state = RateLimitState.Create(new RateLimitPolicyOptions { Algorithm = RateLimitAlgorithm.SlidingWindow, Limit = 200, Window = TimeSpan.FromSeconds(10) }, T0);
        state.Acquire(At(0), 200);
        Assert.False(state.Acquire(At(10), 100).Allowed);
        Assert.True(state.Acquire(At(15), 100).Allowed);

        // previous 200 × (10 − e)/10 + 100 + 1 ≤ 200 ⇒ e ≥ 5.05 s, 0.05 s from now.
        Assert.Equal(new RateLimitOutcome(false, 0, Ticks(0.05), Ticks(15)), state.Acquire(At(15), 1));
        Assert.False(state.Acquire(At(15.05) - 1, 1).Allowed);
        Assert.True(state.Acquire(At(15.05), 1).Allowed);
    }

    [Fact]
    public void TokenBucket_RefillsContinuously_AndRetryAfterIsExact()
    {
        var state = RateLimitState.Create(new RateLimitPolicyOptions { Algorithm = RateLimitAlgorithm.TokenBucket, Capacity = 10, TokensPerPeriod = 2, Period = TimeSpan.FromSeconds(1) }, T0);

        Assert.Equal(new RateLimitOutcome(true, 0, 0, Ticks(5)), state.Acquire(T0, 10));
        Assert.Equal(new RateLimitOutcome(false, 0, Ticks(0.5), Ticks(5)), state.Acquire(T0, 1));
        Assert.Equal(Ticks(1.5), state.Acquire(T0, 3).RetryAfterTicks);
        Assert.False(state.Acquire(At(0.5) - 1, 1).Allowed);
        Assert.Equal(new RateLimitOutcome(true, 0, 0, Ticks(5)), state.Acquire(At(0.5), 1));

        // Never more than the capacity, however long it rests.
        Assert.Equal(new RateLimitOutcome(true, 10, 0, 0), state.Acquire(At(1000), 0));
    }

    [Fact]
    public void Gcra_MatchesRedisCell()
    {
        // CL.THROTTLE key 15 30 60: burst 15, 30 per 60 s ⇒ T = 2 s, τ = 32 s, limit 16.
        var state = RateLimitState.Create(new RateLimitPolicyOptions { Algorithm = RateLimitAlgorithm.Gcra, Limit = 30, Period = TimeSpan.FromSeconds(60), Burst = 15 }, T0);

        Assert.Equal(new RateLimitOutcome(true, 15, 0, Ticks(2)), state.Acquire(T0, 1));
        for (var i = 2; i <= 16; i++)
        {
            Assert.Equal(new RateLimitOutcome(true, 16 - i, 0, Ticks(2 * i)), state.Acquire(T0, 1));
        }

        Assert.Equal(new RateLimitOutcome(false, 0, Ticks(2), Ticks(32)), state.Acquire(T0, 1));
        Assert.Equal(new RateLimitOutcome(false, 0, Ticks(10), Ticks(32)), state.Acquire(T0, 5));
        Assert.False(state.Acquire(At(2) - 1, 1).Allowed);
        Assert.Equal(new RateLimitOutcome(true, 0, 0, Ticks(32)), state.Acquire(At(2), 1));
        Assert.Equal(new RateLimitOutcome(true, 16, 0, 0), state.Acquire(At(100), 0));
    }

    [Fact]
    public void Gcra_NonIntegerEmissionInterval_IsExact()
    {
        // 3 per 1 s: T = 333.33… ms, kept exact in units of 1/3 tick.
        var state = RateLimitState.Create(new RateLimitPolicyOptions { Algorithm = RateLimitAlgorithm.Gcra, Limit = 3, Period = TimeSpan.FromSeconds(1), Burst = 0 }, T0);

        Assert.True(state.Acquire(T0, 1).Allowed);
        var refused = state.Acquire(T0, 1);

        Assert.False(refused.Allowed);
        Assert.Equal(3_333_334, refused.RetryAfterTicks);
        Assert.False(state.Acquire(T0 + 3_333_333, 1).Allowed);
        Assert.True(state.Acquire(T0 + 3_333_334, 1).Allowed);
    }

    [Theory]
    [InlineData(RateLimitAlgorithm.FixedWindow)]
    [InlineData(RateLimitAlgorithm.SlidingWindow)]
    [InlineData(RateLimitAlgorithm.TokenBucket)]
    [InlineData(RateLimitAlgorithm.Gcra)]
    public void Checkpoint_RestoresTheSameDecisions_AndIgnoresAnotherPolicy(RateLimitAlgorithm algorithm)
    {
        var policy = new RateLimitPolicyOptions { Algorithm = algorithm, Limit = 5, Window = TimeSpan.FromSeconds(10), Capacity = 5, TokensPerPeriod = 1, Period = TimeSpan.FromSeconds(10), Burst = 4 };
        var state = RateLimitState.Create(policy, T0);
        state.Acquire(At(1), 3);

        var restored = RateLimitState.Restore(policy, At(1), state.Serialize());

        Assert.NotNull(restored);
        Assert.Equal(state.Acquire(At(2), 1), restored.Acquire(At(2), 1));
        Assert.Equal(state.Acquire(At(2), 2), restored.Acquire(At(2), 2));
        Assert.Null(RateLimitState.Restore(new RateLimitPolicyOptions { Algorithm = algorithm, Limit = 6, Window = TimeSpan.FromSeconds(10), Capacity = 6, TokensPerPeriod = 1, Period = TimeSpan.FromSeconds(10), Burst = 5 }, At(1), state.Serialize()));
    }
}
