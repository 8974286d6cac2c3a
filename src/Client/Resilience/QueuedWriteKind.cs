namespace CacheCluster.Resilience;

/// <summary>What a queued write does.</summary>
internal enum QueuedWriteKind
{
    /// <summary>Sets a key's value.</summary>
    Set,

    /// <summary>Removes a key.</summary>
    Remove,

    /// <summary>Removes keys, tags and patterns through the invalidation stream, or publishes a domain event.</summary>
    Invalidate,
}
