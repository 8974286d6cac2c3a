namespace CacheCluster;

/// <summary>Why a subscriber is told to flush.</summary>
public enum InvalidationFlushReason
{
    /// <summary>A notice arrived whose sequence number skips one or more: those were missed.</summary>
    Gap,

    /// <summary>
    /// A renewal found the subscription lost (its partition moved to another silo, it expired while the client was
    /// disconnected, or notices to it failed) and events were applied meanwhile.
    /// </summary>
    Resubscribed,
}
