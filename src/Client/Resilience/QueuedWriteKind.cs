namespace CacheCluster.Resilience;

/// <summary>What a queued write does.</summary>
internal enum QueuedWriteKind
{
    /// <summary>Sets a key's value.</summary>
    Set,

    /// <summary>Removes a key.</summary>
    Remove,

    /// <summary>Removes the entries with a tag.</summary>
    RemoveTag,

    /// <summary>Removes the keys that match a pattern.</summary>
    RemovePattern,

    /// <summary>Publishes a domain event (its rules decide what it removes).</summary>
    Publish,
}
