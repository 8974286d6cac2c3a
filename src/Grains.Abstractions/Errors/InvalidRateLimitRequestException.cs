namespace CacheCluster;

/// <summary>A rate-limit request is invalid (bad permits, identifier or policy name); nothing was counted.</summary>
[GenerateSerializer, Alias("cachecluster.invalid-ratelimit")]
public class InvalidRateLimitRequestException : InvalidCacheRequestException
{
    /// <summary>Initializes a new instance of the <see cref="InvalidRateLimitRequestException"/> class.</summary>
    /// <param name="message">What is wrong.</param>
    public InvalidRateLimitRequestException(string message)
        : base(message)
    {
    }
}

/// <summary>The named rate-limit policy is not configured on the silo.</summary>
[GenerateSerializer, Alias("cachecluster.unknown-policy")]
public sealed class UnknownRateLimitPolicyException : InvalidRateLimitRequestException
{
    /// <summary>Initializes a new instance of the <see cref="UnknownRateLimitPolicyException"/> class.</summary>
    /// <param name="policy">The policy name asked for.</param>
    public UnknownRateLimitPolicyException(string policy)
        : base($"No rate-limit policy named {CacheKey.Describe(policy)} is configured (CacheCluster:RateLimits:{{name}}).")
    {
        Policy = policy;
    }

    /// <summary>Gets the policy name asked for.</summary>
    [Id(0)]
    public string Policy { get; init; }
}
