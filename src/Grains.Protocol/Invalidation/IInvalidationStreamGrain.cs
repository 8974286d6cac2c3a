using Orleans.Concurrency;

namespace CacheCluster;

/// <summary>
/// One partition of the invalidation stream (keys 0 to <see cref="Partitions"/> − 1). It persists each event before
/// acknowledging it, numbers it, drops duplicates by id, applies the rules by fanning out to tag, entry and key index
/// grains, records completion, and announces each applied event to its subscribers in sequence order.
/// </summary>
/// <remarks>Wire protocol between CacheCluster's client and silos; not for application code.</remarks>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
public interface IInvalidationStreamGrain : IGrainWithIntegerKey
{
    /// <summary>The number of stream partitions.</summary>
    public const int Partitions = 16;

    /// <summary>The event type of announced direct invalidations.</summary>
    public const string DirectInvalidationType = "cachecluster.invalidated";

    /// <summary>Accepts an event routed to this partition; publish through <see cref="IInvalidationPublisherGrain"/>.</summary>
    /// <param name="domainEvent">The event.</param>
    /// <returns>The receipt, once the event is durable.</returns>
    /// <exception cref="InvalidDomainEventException">The event is malformed or lacks a field its rule needs; nothing was applied.</exception>
    /// <exception cref="CacheStorageException">The event could not be persisted; it was not accepted.</exception>
    Task<DomainEventReceipt> AppendAsync(DomainEvent domainEvent);

    /// <summary>
    /// Announces an invalidation that was applied directly (a remove by key, tag or pattern): it is sequenced like an
    /// event of type <see cref="DirectInvalidationType"/> and told to subscribers (near caches, the CDN purger), but
    /// not applied again.
    /// </summary>
    /// <param name="keys">The keys removed.</param>
    /// <param name="tags">The tags invalidated.</param>
    /// <param name="patterns">The patterns invalidated.</param>
    /// <returns>The announcement's sequence number.</returns>
    Task<long> AnnounceAsync(IReadOnlyList<string> keys, IReadOnlyList<string> tags, IReadOnlyList<string> patterns);

    /// <summary>Completes once every event up to <paramref name="sequence"/> has been applied and announced.</summary>
    /// <param name="sequence">The sequence number.</param>
    /// <returns>A task.</returns>
    [AlwaysInterleave]
    Task WaitForAppliedAsync(long sequence);

    /// <summary>Subscribes <paramref name="observer"/>, or renews its subscription.</summary>
    /// <param name="observer">The observer reference.</param>
    /// <returns>The partition's current sequence and the subscription's lifetime.</returns>
    Task<InvalidationSubscriptionState> SubscribeAsync(IInvalidationObserver observer);

    /// <summary>Ends a subscription.</summary>
    /// <param name="observer">The observer reference.</param>
    /// <returns>A task.</returns>
    Task UnsubscribeAsync(IInvalidationObserver observer);

    /// <summary>Activates the partition so that work left pending by a crash resumes; the silos call it periodically.</summary>
    /// <returns>The partition's last applied sequence.</returns>
    [AlwaysInterleave]
    Task<long> PingAsync();
}
