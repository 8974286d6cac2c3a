using CacheCluster.Diagnostics;
using CacheCluster.Hosting;
using CacheCluster.Invalidation.Rules;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace CacheCluster.Invalidation.Stream;

/// <summary>
/// Checks events and routes each to the stream partition of its entity (the event's subject, else the rule's entity,
/// else its first target). A stateless worker, so publishing costs no extra hop and scales with the silos.
/// </summary>
[StatelessWorker]
internal sealed class InvalidationPublisherGrain(InvalidationRuleSet rules, IOptions<InvalidationOptions> options, CacheClusterMetrics metrics)
    : Grain, IInvalidationPublisherGrain
{
    public Task<DomainEventReceipt> PublishAsync(DomainEvent domainEvent)
    {
        ArgumentNullException.ThrowIfNull(domainEvent);
        string entity;
        try
        {
            using var data = domainEvent.ParseData(options.Value.MaxEventBytes);
            var targets = rules.Resolve(domainEvent.Type, data.RootElement, out _);
            entity = domainEvent.Subject ?? targets.OrderingEntity ?? domainEvent.Id;
        }
        catch (InvalidDomainEventException)
        {
            metrics.EventPublished("rejected");
            throw;
        }

        return GrainFactory.GetGrain<IInvalidationStreamGrain>(InvalidationPartitions.Of(entity)).AppendAsync(domainEvent);
    }
}
