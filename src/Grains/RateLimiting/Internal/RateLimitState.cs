using System.Buffers.Binary;
using CacheCluster.Hosting;

namespace CacheCluster.RateLimiting.Internal;

/// <summary>What one acquisition decided, in clock ticks.</summary>
internal readonly record struct RateLimitOutcome(bool Allowed, long Remaining, long RetryAfterTicks, long ResetAfterTicks);

/// <summary>
/// A limiter's counting state. Pure: time comes in as UTC ticks, so every boundary is tested with exact values.
/// All arithmetic is integer (scaled by the window or the rate where a fraction would appear), so retry-after values
/// are exact to the tick.
/// </summary>
internal abstract class RateLimitState
{
    /// <summary>Takes <paramref name="permits"/> if allowed; 0 peeks. The caller has checked 0 ≤ permits ≤ the limit.</summary>
    public abstract RateLimitOutcome Acquire(long now, int permits);

    /// <summary>Gets how long from <paramref name="now"/> this state can still change a decision.</summary>
    public abstract long RelevantForTicks(long now);

    public abstract byte[] Serialize();

    public static RateLimitState Create(RateLimitPolicyOptions policy, long now) => policy.Algorithm switch
    {
        RateLimitAlgorithm.FixedWindow => new FixedWindowState(policy.Limit, policy.Window.Ticks),
        RateLimitAlgorithm.SlidingWindow when policy.Limit <= SlidingLogState.MaxLimit => new SlidingLogState(policy.Limit, policy.Window.Ticks),
        RateLimitAlgorithm.SlidingWindow => new SlidingWindowState(policy.Limit, policy.Window.Ticks),
        RateLimitAlgorithm.TokenBucket => new TokenBucketState(policy.Capacity, policy.TokensPerPeriod, policy.Period.Ticks, now),
        RateLimitAlgorithm.Gcra => new GcraState(policy.Limit, policy.Burst, policy.Period.Ticks),
        _ => throw new ArgumentOutOfRangeException(nameof(policy), policy.Algorithm, "Unknown algorithm."),
    };

    /// <summary>Restores a checkpoint taken under the same policy, or returns null when it does not fit the policy.</summary>
    public static RateLimitState? Restore(RateLimitPolicyOptions policy, long now, ReadOnlySpan<byte> data)
    {
        var state = Create(policy, now);
        return state.Signature.SequenceEqual(data[..Math.Min(data.Length, state.Signature.Length)]) && state.Load(data[state.Signature.Length..])
            ? state
            : null;
    }

    /// <summary>Gets the bytes that identify the algorithm and its parameters, so a changed policy ignores old state.</summary>
    protected abstract byte[] Signature { get; }

    protected abstract bool Load(ReadOnlySpan<byte> data);

    protected static byte[] Sign(byte algorithm, params long[] parameters)
    {
        var bytes = new byte[1 + (8 * parameters.Length)];
        bytes[0] = algorithm;
        for (var i = 0; i < parameters.Length; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(1 + (8 * i)), parameters[i]);
        }

        return bytes;
    }

    protected static long CeilDiv(Int128 numerator, Int128 denominator) => (long)((numerator + denominator - 1) / denominator);

    /// <summary>Aligns to the Unix epoch, so a one-minute window starts on the minute.</summary>
    protected static long Align(long now, long span) => now - ((now - DateTimeOffset.UnixEpoch.UtcTicks) % span);
}
