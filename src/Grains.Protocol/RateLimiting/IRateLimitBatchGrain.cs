using System.ComponentModel;

namespace CacheCluster;

/// <summary>
/// Many rate-limit decisions in one message: a stateless worker on the silo that receives the call (a client's
/// gateway) hands each decision to its limiter grain, the one grain that decides for that policy and identifier, and
/// answers every decision in the order asked.
/// </summary>
/// <remarks>
/// <para>Wire protocol between CacheCluster's client and silos; not for application code.</para>
/// <para>
/// Decisions for the same limiter in one batch go to it in one call and are decided in the order asked, in one turn.
/// One decision's error is its own answer: the others are still decided.
/// </para>
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IRateLimitBatchGrain : IGrainWithIntegerKey
{
    /// <summary>The most decisions one batch call takes.</summary>
    const int MaxDecisions = 256;

    /// <summary>Takes <c>permits[i]</c> permits from the limiter <c>keys[i]</c> (a <see cref="RateLimiterKey"/>), for every i.</summary>
    /// <param name="keys">The limiters' grain keys.</param>
    /// <param name="permits">The permits asked of each, in the same order.</param>
    /// <returns>Every decision, or its error, in order.</returns>
    /// <exception cref="InvalidRateLimitRequestException">The arrays differ in length or hold more than <see cref="MaxDecisions"/>; nothing is counted.</exception>
    Task<RateLimitBatchAnswer> AcquireManyAsync(string[] keys, int[] permits);
}
