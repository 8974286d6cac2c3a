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
        monitor?.ThrowIfNotConnected(domainEvent.Id, ClusterOperation.Publish);
        try
        {
            var publisher = client.GetGrain<IInvalidationPublisherGrain>(0);
            return await RejectedCalls.RetryAsync(() => publisher.PublishAsync(domainEvent).WaitAsync(cancellationToken), _clock, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ClusterErrors.IsUnavailable(ex))
        {
            throw ClusterErrors.Unavailable(ex, domainEvent.Id, ClusterOperation.Publish);
        }
    }

    /// <summary>
    /// Removes keys, tagged entries and matching keys, and has subscribers (near caches, the CDN purger) told about it:
    /// one call to the silo, which checks the request, removes and announces, as for the HTTP API.
    /// </summary>
    private async Task<long> InvalidateAsync(string target, ClusterOperation operation, string[] keys, string[] tags, string[] patterns, bool allowAll, CancellationToken cancellationToken)
    {
        monitor?.ThrowIfNotConnected(target, operation);
        try
        {
            return await client.GetGrain<IInvalidationPublisherGrain>(0).InvalidateAsync(keys, tags, patterns, allowAll).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ClusterErrors.IsUnavailable(ex))
        {
            throw ClusterErrors.Unavailable(ex, target, operation);
        }
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
