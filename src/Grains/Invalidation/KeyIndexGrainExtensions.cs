namespace CacheCluster.Invalidation;

/// <summary>Pattern invalidation across every key index partition.</summary>
internal static class KeyIndexGrainExtensions
{
    /// <summary>Asks all <see cref="IKeyIndexGrain.Partitions"/> partitions at once to remove their live keys matching <paramref name="pattern"/>.</summary>
    /// <param name="grains">The grain factory (a client or a silo).</param>
    /// <param name="pattern">The glob.</param>
    /// <param name="allowAll">Must be true for a pattern that matches every key.</param>
    /// <returns>How many entries were removed in all.</returns>
    public static async Task<long> InvalidatePatternAsync(this IGrainFactory grains, string pattern, bool allowAll)
    {
        ArgumentNullException.ThrowIfNull(grains);
        var partitions = new Task<long>[IKeyIndexGrain.Partitions];
        for (var partition = 0; partition < partitions.Length; partition++)
        {
            partitions[partition] = grains.GetGrain<IKeyIndexGrain>(partition).InvalidateAsync(pattern, allowAll);
        }

        return (await Task.WhenAll(partitions)).Sum();
    }
}
