namespace CacheCluster;

/// <summary>A rate limiter's answer: whether the permits were granted, and what is left.</summary>
[GenerateSerializer, Immutable, Alias("cachecluster.ratelimit-decision")]
public readonly record struct RateLimitDecision
{
    /// <summary>Gets a value indicating whether the request may proceed (always true in shadow mode).</summary>
    [Id(0)]
    public bool Allowed { get; init; }

    /// <summary>Gets the policy's limit: requests per window, bucket capacity, or burst + 1 for GCRA.</summary>
    [Id(1)]
    public long Limit { get; init; }

    /// <summary>Gets how many permits could still be acquired now.</summary>
    [Id(2)]
    public long Remaining { get; init; }

    /// <summary>Gets the exact time until the permits asked for would be granted; zero when allowed.</summary>
    [Id(3)]
    public TimeSpan RetryAfter { get; init; }

    /// <summary>Gets the time until the limiter is back to its full quota.</summary>
    [Id(4)]
    public TimeSpan ResetAfter { get; init; }

    /// <summary>Gets a value indicating whether the policy is in shadow mode and would have refused this request.</summary>
    [Id(5)]
    public bool ShadowLimited { get; init; }

    /// <summary>Gets what a client does for this policy when it cannot reach the cluster.</summary>
    [Id(6)]
    public RateLimitFailureMode FailureMode { get; init; }

    /// <summary>Gets a value indicating whether the cluster could not be reached and the policy's failure mode decided.</summary>
    [Id(7)]
    public bool Degraded { get; init; }

    /// <summary>Gets the policy's window (or period) in whole seconds, for <c>RateLimit-Policy</c> headers.</summary>
    [Id(8)]
    public long WindowSeconds { get; init; }
}

/// <summary>What a client does for a policy when the cluster cannot be reached.</summary>
public enum RateLimitFailureMode
{
    /// <summary>Refuse the request (the safe default for abuse protection).</summary>
    Closed = 0,

    /// <summary>Allow the request (for limits that protect nothing critical).</summary>
    Open = 1,
}

/// <summary>The counting algorithm of a rate-limit policy.</summary>
public enum RateLimitAlgorithm
{
    /// <summary>A counter per aligned window; the window never re-arms.</summary>
    FixedWindow = 0,

    /// <summary>A weighted two-window counter, or an exact log of timestamps for small limits.</summary>
    SlidingWindow = 1,

    /// <summary>A bucket of <c>Capacity</c> tokens refilled at <c>TokensPerPeriod</c> per <c>Period</c>.</summary>
    TokenBucket = 2,

    /// <summary>The generic cell rate algorithm (as redis-cell): <c>Limit</c> per <c>Period</c> with a <c>Burst</c>.</summary>
    Gcra = 3,
}
