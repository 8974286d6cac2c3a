namespace CacheCluster;

/// <summary>
/// The entry point for invalidation. Domain events are checked against the rules and routed to the stream partition
/// of their entity, so that events about one entity keep their order while different entities proceed in parallel.
/// Direct invalidations (keys, tags, patterns) are checked, applied and then announced to subscribers.
/// </summary>
/// <remarks>Wire protocol between CacheCluster's client and silos; not for application code.</remarks>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
public interface IInvalidationPublisherGrain : IGrainWithIntegerKey
{
    /// <summary>Publishes an event.</summary>
    /// <param name="domainEvent">The event.</param>
    /// <returns>The receipt, once the event is durable.</returns>
    /// <exception cref="InvalidDomainEventException">The event is malformed or lacks a field its rule needs; nothing was applied.</exception>
    /// <exception cref="CacheStorageException">The event could not be persisted; it was not accepted.</exception>
    Task<DomainEventReceipt> PublishAsync(DomainEvent domainEvent);

    /// <summary>
    /// Removes the given keys, every entry carrying one of the tags and every key matching one of the patterns, then
    /// announces the removal through the invalidation stream (near caches, the CDN purger). Everything is checked
    /// before anything is removed. The removal stands even if the announcement fails; subscribers that miss it see a
    /// gap or a lost subscription and flush.
    /// </summary>
    /// <param name="keys">The keys to remove.</param>
    /// <param name="tags">The tags whose entries to remove.</param>
    /// <param name="patterns">The globs whose matching keys to remove.</param>
    /// <param name="allowAll">Must be true for a pattern with no literal prefix (such as <c>*</c> or <c>?*</c>).</param>
    /// <returns>How many entries were removed in all.</returns>
    /// <exception cref="InvalidCacheKeyException">A key or tag is invalid; nothing was removed.</exception>
    /// <exception cref="InvalidCacheOptionsException">A pattern is malformed, or has no literal prefix without <paramref name="allowAll"/>; nothing was removed.</exception>
    /// <exception cref="InvalidCacheRequestException">More than 1000 keys, tags or patterns, or more distinct patterns than CacheCluster:Invalidation:MaxPatternsPerRequest; nothing was removed.</exception>
    Task<long> InvalidateAsync(IReadOnlyList<string> keys, IReadOnlyList<string> tags, IReadOnlyList<string> patterns, bool allowAll);
}
