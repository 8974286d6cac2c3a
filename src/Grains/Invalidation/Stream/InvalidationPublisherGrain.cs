using CacheCluster.Diagnostics;
using CacheCluster.Hosting;
using CacheCluster.Invalidation.Rules;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace CacheCluster.Invalidation.Stream;

/// <summary>
/// Checks events and routes each to the stream partition of its entity (the event's subject, else the rule's entity,
/// else its first target); checks, applies and announces direct invalidations. A stateless worker, so publishing costs
/// no extra hop and scales with the silos; reentrant (it keeps no state), so a long pattern invalidation does not hold
/// up events waiting for the same activation.
/// </summary>
[StatelessWorker]
[Reentrant]
internal sealed partial class InvalidationPublisherGrain(
    InvalidationRuleSet rules,
    IOptions<InvalidationOptions> options,
    IOptions<CacheClusterOptions> host,
    CacheClusterMetrics metrics,
    ILogger<InvalidationPublisherGrain> logger)
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

    public async Task<long> InvalidateAsync(IReadOnlyList<string> keys, IReadOnlyList<string> tags, IReadOnlyList<string> patterns, bool allowAll)
    {
        InvalidationRemoval.Validate(keys, tags, patterns, allowAll, host.Value.MaxKeyBytes, options.Value.MaxPatternsPerRequest);
        var removed = await InvalidationCause.RunAsync("direct", () => InvalidationRemoval.RemoveAsync(GrainFactory, keys, tags, patterns, allowAll));

        // Subscribers (near caches, the CDN purger) hear about it through the stream; the removal itself is done.
        if (keys.Count + tags.Count + patterns.Count > 0)
        {
            try
            {
                // Announced once each: a request naming one key a thousand times is one purge at each CDN.
                string[] distinctKeys = [.. keys.Distinct(StringComparer.Ordinal)], distinctTags = [.. tags.Distinct(StringComparer.Ordinal)], distinctPatterns = [.. patterns.Distinct(StringComparer.Ordinal)];
                await GrainFactory.GetGrain<IInvalidationStreamGrain>(InvalidationPartitions.Of(distinctKeys, distinctTags, distinctPatterns))
                    .AnnounceAsync(distinctKeys, distinctTags, distinctPatterns);
            }
            catch (Exception ex) when (ex is CacheClusterException || ClusterFailure.IsTransport(ex))
            {
                // Subscribers that miss it see a gap or a lost subscription and flush.
                LogWarningAnnounceFailed(ex);
            }
        }

        return removed;
    }

    [LoggerMessage(EventId = 1320, Level = LogLevel.Warning, Message = "A removal was done but could not be announced to invalidation subscribers")]
    private partial void LogWarningAnnounceFailed(Exception exception);
}
