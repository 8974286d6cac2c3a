namespace CacheCluster.Hosting;

/// <summary>
/// One named rate-limit policy, bound from <c>CacheCluster:RateLimits:{name}</c>. Policies live in silo
/// configuration, so clients cannot choose their own limits.
/// </summary>
public sealed class RateLimitPolicyOptions
{
    /// <summary>Gets or sets the counting algorithm.</summary>
    public RateLimitAlgorithm Algorithm { get; set; } = RateLimitAlgorithm.FixedWindow;

    /// <summary>Gets or sets the requests per window (windows) or per period (GCRA).</summary>
    public long Limit { get; set; }

    /// <summary>Gets or sets the window length (fixed and sliding windows), such as <c>00:01:00</c>.</summary>
    public TimeSpan Window { get; set; }

    /// <summary>Gets or sets the bucket size (token bucket).</summary>
    public long Capacity { get; set; }

    /// <summary>Gets or sets the tokens added per <see cref="Period"/> (token bucket).</summary>
    public long TokensPerPeriod { get; set; }

    /// <summary>Gets or sets the refill period (token bucket) or rate period (GCRA).</summary>
    public TimeSpan Period { get; set; }

    /// <summary>Gets or sets the extra requests GCRA admits at once beyond the steady rate.</summary>
    public long Burst { get; set; }

    /// <summary>Gets or sets a value indicating whether the policy only counts and reports, always allowing.</summary>
    public bool ShadowMode { get; set; }

    /// <summary>Gets or sets what clients do when they cannot reach the cluster.</summary>
    /// <value>Default: <see cref="RateLimitFailureMode.Closed"/>.</value>
    public RateLimitFailureMode FailureMode { get; set; } = RateLimitFailureMode.Closed;

    /// <summary>Gets the most permits one request may take: the limit, capacity, or burst + 1.</summary>
    public long MaxPermits => Algorithm switch
    {
        RateLimitAlgorithm.TokenBucket => Capacity,
        RateLimitAlgorithm.Gcra => Burst + 1,
        _ => Limit,
    };

    /// <summary>Gets the window or period the policy is expressed over.</summary>
    public TimeSpan Span => Algorithm is RateLimitAlgorithm.FixedWindow or RateLimitAlgorithm.SlidingWindow ? Window : Period;

    internal IEnumerable<string> Validate(string name)
    {
        var prefix = $"{CacheClusterOptions.SectionName}:{nameof(RateLimitingOptions.RateLimits)}:{name}:";
        if (name.Length == 0 || name.Length > RateLimiterKey.MaxPolicyLength || name.Contains('/', StringComparison.Ordinal) || name.Any(char.IsControl))
        {
            yield return $"{CacheClusterOptions.SectionName}:{nameof(RateLimitingOptions.RateLimits)}:{name} is not a valid policy name (1 to {RateLimiterKey.MaxPolicyLength} characters, no '/' or control characters).";
        }

        if (!Enum.IsDefined(Algorithm))
        {
            yield return $"{prefix}{nameof(Algorithm)} must be FixedWindow, SlidingWindow, TokenBucket or Gcra (was {Algorithm}).";
            yield break;
        }

        if (!Enum.IsDefined(FailureMode))
        {
            yield return $"{prefix}{nameof(FailureMode)} must be Open or Closed (was {FailureMode}).";
        }

        const long MaxCount = 1_000_000_000;
        var maxSpan = TimeSpan.FromDays(366);
        switch (Algorithm)
        {
            case RateLimitAlgorithm.FixedWindow or RateLimitAlgorithm.SlidingWindow:
                if (Limit is < 1 or > MaxCount)
                {
                    yield return $"{prefix}{nameof(Limit)} must be between 1 and {MaxCount} (was {Limit}).";
                }

                if (Window < TimeSpan.FromMilliseconds(1) || Window > maxSpan)
                {
                    yield return $"{prefix}{nameof(Window)} must be between 1 ms and 366 days (was {Window}).";
                }

                break;
            case RateLimitAlgorithm.TokenBucket:
                if (Capacity is < 1 or > MaxCount)
                {
                    yield return $"{prefix}{nameof(Capacity)} must be between 1 and {MaxCount} (was {Capacity}).";
                }

                if (TokensPerPeriod is < 1 or > MaxCount)
                {
                    yield return $"{prefix}{nameof(TokensPerPeriod)} must be between 1 and {MaxCount} (was {TokensPerPeriod}).";
                }

                if (Period < TimeSpan.FromMilliseconds(1) || Period > maxSpan)
                {
                    yield return $"{prefix}{nameof(Period)} must be between 1 ms and 366 days (was {Period}).";
                }

                break;
            case RateLimitAlgorithm.Gcra:
                if (Limit is < 1 or > MaxCount)
                {
                    yield return $"{prefix}{nameof(Limit)} must be between 1 and {MaxCount} (was {Limit}).";
                }

                if (Burst is < 0 or > MaxCount)
                {
                    yield return $"{prefix}{nameof(Burst)} must be between 0 and {MaxCount} (was {Burst}).";
                }

                if (Period < TimeSpan.FromMilliseconds(1) || Period > maxSpan)
                {
                    yield return $"{prefix}{nameof(Period)} must be between 1 ms and 366 days (was {Period}).";
                }

                break;
        }
    }
}
