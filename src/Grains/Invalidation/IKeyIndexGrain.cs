namespace CacheCluster.Invalidation;

/// <summary>One partition of the key index (grain key 0 to 15): invalidates the live keys matching a glob.</summary>
internal interface IKeyIndexGrain : IGrainWithIntegerKey
{
    /// <summary>The number of key index partitions.</summary>
    public const int Partitions = IKeyScanGrain.Partitions;

    /// <summary>Removes every live key of this partition that matches <paramref name="pattern"/>, voiding their leases.</summary>
    /// <param name="pattern">A glob (see <see cref="CacheKeyPattern"/>).</param>
    /// <param name="allowAll">Must be true for a pattern that matches every key.</param>
    /// <returns>How many entries were removed.</returns>
    Task<long> InvalidateAsync(string pattern, bool allowAll);
}
