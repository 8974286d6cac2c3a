namespace CacheCluster.Internal;

/// <summary>Publishing domain events and subscribing to the invalidation stream.</summary>
internal sealed partial class ClusterCache
{
    public async Task<DomainEventReceipt> PublishAsync(DomainEvent domainEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(domainEvent);

        // Shape only: the size limit is the silo's to enforce.
        domainEvent.ParseData(int.MaxValue).Dispose();
        try
        {
            var publisher = client.GetGrain<IInvalidationPublisherGrain>(0);
            return await RejectedCalls.RetryAsync(() => publisher.PublishAsync(domainEvent).WaitAsync(cancellationToken), _clock, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ClusterErrors.IsUnavailable(ex))
        {
            throw ClusterErrors.Unavailable(ex, domainEvent.Id, "Publish");
        }
    }

    /// <summary>
    /// Tells subscribers (near caches, the CDN purger) about a removal already done. The removal stands either way, so a
    /// failure here is logged, not thrown; subscribers that miss it see a gap or a lost subscription and flush.
    /// </summary>
    private async Task AnnounceAsync(string[] keys, string[] tags, string[] patterns)
    {
        try
        {
            await client.GetGrain<IInvalidationStreamGrain>(InvalidationPartitions.Of(keys, tags, patterns)).AnnounceAsync(keys, tags, patterns).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is CacheClusterException || ClusterErrors.IsUnavailable(ex))
        {
            LogWarningAnnounceFailed(ex);
        }
    }

    [Microsoft.Extensions.Logging.LoggerMessage(20, Microsoft.Extensions.Logging.LogLevel.Warning, "A removal was done but could not be announced to invalidation subscribers")]
    private partial void LogWarningAnnounceFailed(Exception exception);

    public async Task<IAsyncDisposable> SubscribeAsync(IInvalidationListener listener, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(listener);
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
                throw ClusterErrors.Unavailable(ex, "invalidation-stream", "Subscribe");
            }

            throw;
        }
    }
}
