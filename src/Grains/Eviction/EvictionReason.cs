namespace CacheCluster.Eviction;

/// <summary>Which bound made entries go.</summary>
internal enum EvictionReason
{
    /// <summary>The silo's resident memory neared <see cref="Hosting.EvictionOptions.MaxMemoryMB"/>.</summary>
    Memory,

    /// <summary>The silo held more than <see cref="Hosting.EvictionOptions.MaxEntries"/> entries.</summary>
    Entries,
}
