namespace CacheCluster;

/// <summary>How one read is done.</summary>
public sealed record CacheReadOptions
{
    /// <summary>
    /// Gets whether this read may be answered from, and fill, the client's near cache: <see langword="null"/> follows
    /// <c>NearCacheOptions.Enabled</c>.
    /// </summary>
    public bool? UseNearCache { get; init; }
}
