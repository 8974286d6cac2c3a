using Orleans.Concurrency;

namespace CacheCluster.Invalidation;

/// <summary>One partition of the key index (grain key 0 to 15): invalidates the live keys matching globs.</summary>
internal interface IKeyIndexGrain : IGrainWithIntegerKey
{
    /// <summary>The number of key index partitions.</summary>
    public const int Partitions = IKeyScanGrain.Partitions;

    /// <summary>
    /// Removes every live key of this partition that matches one of <paramref name="patterns"/>, voiding their leases:
    /// one read of the partition for the whole request. An operator's requests take turns per partition.
    /// </summary>
    /// <param name="patterns">Globs (see <see cref="CacheKeyPattern"/>).</param>
    /// <param name="allowAll">Must be true for a pattern with no literal prefix.</param>
    /// <returns>How many entries were removed.</returns>
    Task<long> InvalidateAsync(IReadOnlyList<string> patterns, bool allowAll);

    /// <summary>
    /// Removes the keys an event rule's patterns match. Interleaves with everything else, so that rule-driven
    /// invalidation never waits behind an operator's request on the same partition.
    /// </summary>
    /// <param name="patterns">The rule's resolved globs, each with a literal prefix.</param>
    /// <returns>How many entries were removed.</returns>
    [AlwaysInterleave]
    Task<long> InvalidateForRuleAsync(IReadOnlyList<string> patterns);
}
