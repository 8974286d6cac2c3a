using System.ComponentModel;

namespace CacheCluster;

/// <summary>
/// One limiter per policy and identifier (grain key <c>{policy}/{identifier}</c>), deciding in memory, exactly, for
/// the whole cluster.
/// </summary>
/// <remarks>Wire protocol between CacheCluster's client and silos; not for application code.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IRateLimiterGrain : IGrainWithStringKey
{
    /// <summary>Takes <paramref name="permits"/> permits if the policy allows; 0 peeks without counting.</summary>
    /// <param name="permits">How many permits; at most the policy's limit.</param>
    /// <returns>The decision.</returns>
    /// <exception cref="UnknownRateLimitPolicyException">The policy is not configured on the silo.</exception>
    /// <exception cref="InvalidRateLimitRequestException">Negative permits, more than the limit, or a bad identifier; nothing is counted.</exception>
    Task<RateLimitDecision> AcquireAsync(int permits);

    /// <summary>
    /// Takes <c>permits[i]</c> permits for every i, in order, in one turn: the same decisions as that many
    /// <see cref="AcquireAsync"/> calls made one after the other.
    /// </summary>
    /// <param name="permits">How many permits each decision takes; each at most the policy's limit.</param>
    /// <returns>The decisions, in order.</returns>
    /// <exception cref="UnknownRateLimitPolicyException">The policy is not configured on the silo.</exception>
    /// <exception cref="InvalidRateLimitRequestException">Any permits out of range, or a bad identifier; nothing is counted for any of them.</exception>
    Task<RateLimitDecision[]> AcquireManyAsync(int[] permits);
}
