namespace CacheCluster.Hosting;

/// <summary>
/// The cluster's rate limiters, bound from the <c>CacheCluster</c> section itself: the policies
/// (<c>CacheCluster:RateLimits:{name}</c>) and <c>CacheCluster:RateLimitCheckpointInterval</c>.
/// </summary>
public sealed class RateLimitingOptions
{
    /// <summary>Gets the named rate-limit policies, bound from <c>CacheCluster:RateLimits:{name}</c>.</summary>
    public Dictionary<string, RateLimitPolicyOptions> RateLimits { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Gets or sets how often at most a limiter checkpoints its state to the store. Losing a silo can over-admit at
    /// most what a limiter admitted since its last checkpoint. Zero writes every admitted request through before
    /// answering it (no over-admission, one store write per admitted request).
    /// </summary>
    /// <value>Default: 1 second.</value>
    public TimeSpan RateLimitCheckpointInterval { get; set; } = TimeSpan.FromSeconds(1);
}
