namespace CacheCluster.Invalidation;

/// <summary>Pattern invalidation across every key index partition.</summary>
internal static class KeyIndexGrainExtensions
{
    /// <summary>
    /// Asks all <see cref="IKeyIndexGrain.Partitions"/> partitions at once to remove their live keys matching one of
    /// <paramref name="patterns"/>: one read of each partition for all the patterns.
    /// </summary>
    /// <param name="grains">The grain factory (a client or a silo).</param>
    /// <param name="patterns">The globs.</param>
    /// <param name="allowAll">Must be true for a pattern with no literal prefix.</param>
    /// <param name="ruleDriven">
    /// True for an event rule's patterns: they interleave with an operator's request instead of waiting behind it.
    /// </param>
    /// <returns>How many entries were removed in all.</returns>
    public static async Task<long> InvalidatePatternsAsync(this IGrainFactory grains, IReadOnlyList<string> patterns, bool allowAll, bool ruleDriven)
    {
        ArgumentNullException.ThrowIfNull(grains);
        ArgumentNullException.ThrowIfNull(patterns);
        if (patterns.Count == 0)
        {
            return 0;
        }

        var partitions = new Task<long>[IKeyIndexGrain.Partitions];
        for (var partition = 0; partition < partitions.Length; partition++)
        {
            var grain = grains.GetGrain<IKeyIndexGrain>(partition);
            partitions[partition] = ruleDriven ? grain.InvalidateForRuleAsync(patterns) : grain.InvalidateAsync(patterns, allowAll);
        }

        return (await Task.WhenAll(partitions)).Sum();
    }
}
