namespace CacheCluster.Resilience;

/// <summary>What a read does when the cluster cannot be reached.</summary>
public enum CacheReadFailureMode
{
    /// <summary>The read is a miss (counted in <c>cachecluster.client.fallbacks</c> and logged).</summary>
    Miss,

    /// <summary>The read throws <see cref="CacheClusterUnavailableException"/>.</summary>
    Throw,
}
