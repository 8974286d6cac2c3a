using CacheCluster.Resilience;

namespace CacheCluster.Internal;

/// <summary>Publishing domain events and subscribing to the invalidation stream.</summary>
internal sealed partial class ClusterCache
{
    private const string InvalidationStream = "invalidation-stream";

    public async Task<DomainEventReceipt> PublishAsync(DomainEvent domainEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(domainEvent);

        // Shape only: the size limit is the silo's to enforce.
        domainEvent.ParseData(int.MaxValue).Dispose();
        try
        {
            monitor?.ThrowIfNotConnected(domainEvent.Id, ClusterOperation.Publish);
            return await SendAsync(domainEvent.Id, ClusterOperation.Publish, () => client.GetGrain<IInvalidationPublisherGrain>(0).PublishAsync(domainEvent), _options.ResponseTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsCacheFailure(ex))
        {
            // An event is an invalidation: never lost. Published again when the cluster is back (its id makes a repeat
            // a duplicate). The caller is always told: a receipt means the stream has the event, and it has not yet.
            // Which keys its rules remove is the silo's to know: no near copy is served as fresh until it is applied.
            _near?.Demote();
            var write = new QueuedWrite(QueuedWriteKind.Publish, "e\0" + domainEvent.Id, key: null, ct => SendAsync(domainEvent.Id, ClusterOperation.Publish, () => client.GetGrain<IInvalidationPublisherGrain>(0).PublishAsync(domainEvent), _options.ResponseTimeout, ct));
            Enqueue(write, ex);
            throw Kept(ex, domainEvent.Id, ClusterOperation.Publish);
        }
    }

    /// <summary>
    /// Removes keys, tagged entries and matching keys, and has subscribers (near caches, the CDN purger) told about it:
    /// one call to the silo, which checks the request, removes and announces, as for the HTTP API.
    /// </summary>
    private Task<long> InvalidateAsync(string target, ClusterOperation operation, string[] keys, string[] tags, string[] patterns, bool allowAll, CancellationToken cancellationToken)
    {
        // A removal over many entries may take longer than one key's call: it gets the response timeout on top.
        monitor?.ThrowIfNotConnected(target, operation);
        return SendAsync(target, operation, () => client.GetGrain<IInvalidationPublisherGrain>(0).InvalidateAsync(keys, tags, patterns, allowAll), _options.ResponseTimeout, cancellationToken);
    }

    public async Task<IAsyncDisposable> SubscribeAsync(IInvalidationListener listener, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(listener);
        monitor?.ThrowIfNotConnected(InvalidationStream, ClusterOperation.Subscribe);
        var subscription = new InvalidationSubscription(client, listener, _clock, _logger, monitor);
        try
        {
            await subscription.StartAsync(cancellationToken).ConfigureAwait(false);
            return subscription;
        }
        catch (Exception ex)
        {
            await subscription.DisposeAsync().ConfigureAwait(false);
            if (ClusterErrors.IsUnavailable(ex))
            {
                throw ClusterErrors.Unavailable(ex, InvalidationStream, ClusterOperation.Subscribe);
            }

            throw;
        }
    }
}
