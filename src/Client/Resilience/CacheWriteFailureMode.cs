namespace CacheCluster.Resilience;

/// <summary>What a write does when the cluster cannot be reached.</summary>
public enum CacheWriteFailureMode
{
    /// <summary>The write throws <see cref="CacheClusterUnavailableException"/>.</summary>
    Throw,

    /// <summary>The write is queued (one per key, the newest wins) and applied when the cluster is back.</summary>
    Queue,
}
