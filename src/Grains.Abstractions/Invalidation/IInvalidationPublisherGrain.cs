namespace CacheCluster;

/// <summary>
/// The entry point for domain events: checks an event against the rules and routes it to the stream partition of its
/// entity, so that events about one entity keep their order while different entities proceed in parallel.
/// </summary>
public interface IInvalidationPublisherGrain : IGrainWithIntegerKey
{
    /// <summary>Publishes an event.</summary>
    /// <param name="domainEvent">The event.</param>
    /// <returns>The receipt, once the event is durable.</returns>
    /// <exception cref="InvalidDomainEventException">The event is malformed or lacks a field its rule needs; nothing was applied.</exception>
    /// <exception cref="CacheStorageException">The event could not be persisted; it was not accepted.</exception>
    Task<DomainEventReceipt> PublishAsync(DomainEvent domainEvent);
}
