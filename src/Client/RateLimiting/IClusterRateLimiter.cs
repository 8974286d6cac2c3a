namespace CacheCluster;

/// <summary>Cluster-wide rate limits: one exact counter per policy and identifier for all application servers.</summary>
public interface IClusterRateLimiter
{
    /// <summary>Takes permits from the limiter of <paramref name="policy"/> for <paramref name="identifier"/>.</summary>
    /// <param name="policy">A policy configured on the silos (<c>CacheCluster:RateLimits:{name}</c>).</param>
    /// <param name="identifier">Who is counted: a client IP, a user id, an API key hash.</param>
    /// <param name="permits">How many permits; 0 peeks without counting.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>
    /// The decision. When the cluster cannot be reached, the policy's failure mode decides and
    /// <see cref="RateLimitDecision.Degraded"/> is set.
    /// </returns>
    /// <exception cref="UnknownRateLimitPolicyException">The policy is not configured.</exception>
    /// <exception cref="InvalidRateLimitRequestException">Bad permits or identifier; nothing is counted.</exception>
    Task<RateLimitDecision> AcquireAsync(string policy, string identifier, int permits = 1, CancellationToken cancellationToken = default);
}
