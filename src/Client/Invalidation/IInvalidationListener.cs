namespace CacheCluster;

/// <summary>
/// Receives the invalidation stream on a client: a near cache, a CDN purger, the application. Notices of one partition
/// arrive one at a time and in sequence order; different partitions may call concurrently.
/// </summary>
public interface IInvalidationListener
{
    /// <summary>An event has been applied: drop what it names.</summary>
    /// <param name="notice">The keys, patterns and tags invalidated, with the event's place in its partition's sequence.</param>
    /// <returns>A task; a fault counts as a failed delivery on the silo and, as a missed notice, leads to a flush.</returns>
    ValueTask OnInvalidatedAsync(InvalidationNotice notice);

    /// <summary>Notices may have been missed (a gap in the sequence, or a lost subscription): drop everything held.</summary>
    /// <param name="reason">Why.</param>
    /// <returns>A task.</returns>
    ValueTask OnFlushAsync(InvalidationFlushReason reason);
}
