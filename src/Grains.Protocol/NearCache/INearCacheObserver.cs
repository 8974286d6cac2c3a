using Orleans.Concurrency;

namespace CacheCluster;

/// <summary>
/// A client's near cache, as the entry grains see it: a key read with tracking is reported once when it changes (written,
/// removed, expired, invalidated, or its grain goes away), like Redis client tracking's default mode.
/// </summary>
/// <remarks>Wire protocol between CacheCluster's client and silos; not for application code.</remarks>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
public interface INearCacheObserver : IGrainObserver
{
    /// <summary>The entry at <paramref name="key"/> changed: drop the near copy.</summary>
    /// <param name="key">The key.</param>
    /// <returns>A task (one-way: the grain does not wait).</returns>
    [OneWay]
    Task InvalidateAsync(string key);

    /// <summary>
    /// The entries at <paramref name="keys"/> changed together (a tag's or an event's removal on one silo): drop their near
    /// copies. One notice for the whole batch instead of one per key.
    /// </summary>
    /// <param name="keys">The keys.</param>
    /// <returns>A task (one-way: the silo does not wait).</returns>
    [OneWay]
    Task InvalidateManyAsync([Immutable] string[] keys);

    /// <summary>Answers, so that a silo can tell a client that is still connected from one that is gone.</summary>
    /// <returns>A task that completes when the client has answered.</returns>
    Task PingAsync();
}
