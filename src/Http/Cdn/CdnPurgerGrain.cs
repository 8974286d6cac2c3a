using CacheCluster.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CacheCluster.Http.Cdn;

/// <summary>
/// Subscribes to every stream partition, and turns each notice into purge requests for every configured CDN. Each CDN
/// has its own queue, so a slow or rate-limited one never delays another, and a notice is taken at once, so the stream
/// never waits on a CDN. A gap in a partition's sequence, or a renewal that finds the subscription lost, purges
/// everything (<see cref="CdnOptions.PurgeAllOnGap"/>). Each queue is bounded (<see cref="CdnOptions.MaxQueueLength"/>; see
/// <see cref="CdnPurgeQueue"/>) and its length is the <c>cachecluster.cdn.backlog</c> gauge. It subscribes when it activates and renews with a grain timer,
/// as a client subscriber does; <see cref="CdnPurgerKeeper"/> activates it, and brings it back after its silo is lost.
/// </summary>
internal sealed partial class CdnPurgerGrain(
    CdnPurgeTargets targets,
    CdnPurgeSender sender,
    IOptions<CdnOptions> options,
    CdnMetrics metrics,
    ILogger<CdnPurgerGrain> logger) : Grain, ICdnPurgerGrain
{
    private readonly InvalidationSequence _sequence = new();
    private readonly List<Lane> _lanes = [.. targets.All.Select(t => new Lane(t, new CdnPurgeQueue(options.Value.MaxQueueLength, options.Value.PurgeAllOnOverflow, t.PlanPurgeAll)))];
    private IInvalidationObserver? _self;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _self = this.AsReference<IInvalidationObserver>();
        foreach (var lane in _lanes)
        {
            var queue = lane.Queue;
            metrics.TrackBacklog(lane.Target.Name, () => queue.Count);
        }

        if (_lanes.Count == 0)
        {
            return;
        }

        var states = await Task.WhenAll(Enumerable.Range(0, IInvalidationStreamGrain.Partitions).Select(p => GrainFactory.GetGrain<IInvalidationStreamGrain>(p).SubscribeAsync(_self)));
        _sequence.Start(states);

        var period = states.Min(s => s.Lifetime) / 3;
        this.RegisterGrainTimer(RenewAsync, new GrainTimerCreationOptions(period, period) { Interleave = true });
    }

    public Task EnsureSubscribedAsync() => Task.CompletedTask;

    public Task OnInvalidatedAsync(InvalidationNotice notice)
    {
        var order = _sequence.Observe(notice);
        if (order == InvalidationNoticeOrder.Seen)
        {
            return Task.CompletedTask;
        }

        if (order == InvalidationNoticeOrder.AfterGap)
        {
            PurgeAll("a gap in the invalidation sequence");
        }

        // A request may name a key a thousand times; the CDN hears of it once.
        var keys = Distinct(notice.Keys);
        var tags = Distinct(notice.Tags);
        var patterns = Distinct(notice.Patterns);
        foreach (var lane in _lanes)
        {
            foreach (var request in lane.Target.Plan(keys, tags, patterns))
            {
                Enqueue(lane, request);
            }
        }

        return Task.CompletedTask;
    }

    private async Task RenewAsync(CancellationToken cancellationToken)
    {
        var lost = false;
        foreach (var partition in Enumerable.Range(0, IInvalidationStreamGrain.Partitions))
        {
            try
            {
                var state = await GrainFactory.GetGrain<IInvalidationStreamGrain>(partition).SubscribeAsync(_self!);
                lost |= _sequence.Renewed(state);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogWarningRenewalFailed(ex, partition);
            }
        }

        if (lost)
        {
            PurgeAll("a lost subscription");
        }
    }

    private void PurgeAll(string reason)
    {
        if (!options.Value.PurgeAllOnGap)
        {
            LogWarningMissedNotices(reason);
            return;
        }

        LogWarningPurgingAll(reason);
        foreach (var lane in _lanes)
        {
            foreach (var request in lane.Target.PlanPurgeAll())
            {
                Enqueue(lane, request);
            }
        }
    }

    private static string[] Distinct(IReadOnlyList<string> items) => [.. items.Distinct(StringComparer.Ordinal)];

    private void Enqueue(Lane lane, PurgeRequest request)
    {
        var result = lane.Queue.Enqueue(request);
        foreach (var superseded in result.Superseded)
        {
            metrics.Purged(superseded.Provider, superseded.Kind, "superseded", superseded.Count);
        }

        switch (result.Outcome)
        {
            case CdnEnqueueOutcome.Covered:
                metrics.Purged(request.Provider, request.Kind, "superseded", request.Count);
                break;
            case CdnEnqueueOutcome.Overflowed:
                LogWarningOverflowPurgeAll(lane.Target.Name, lane.Queue.Capacity);
                break;
            case CdnEnqueueOutcome.Dropped:
                metrics.Purged(request.Provider, request.Kind, "dropped", request.Count);
                if (lane.Queue.DroppedSinceEmpty == 1)
                {
                    LogErrorOverflowDropping(lane.Target.Name, lane.Queue.Capacity);
                }

                break;
        }

        if (!lane.Sending && lane.Queue.Count > 0)
        {
            _ = DrainAsync(lane);
        }
    }

    private async Task DrainAsync(Lane lane)
    {
        lane.Sending = true;
        try
        {
            while (lane.Queue.TryDequeue(out var request))
            {
                await sender.SendAsync(lane.Target, request, CancellationToken.None);
            }

            if (lane.Queue.TakeDroppedCount() is > 0 and var dropped)
            {
                LogWarningCaughtUp(lane.Target.Name, dropped);
            }
        }
        finally
        {
            lane.Sending = false;
        }
    }

    [LoggerMessage(1511, LogLevel.Warning, "The CDN purger could not renew its subscription to stream partition {Partition}")]
    private partial void LogWarningRenewalFailed(Exception exception, int partition);

    [LoggerMessage(1512, LogLevel.Warning, "The CDN purger purges everything after {Reason}")]
    private partial void LogWarningPurgingAll(string reason);

    [LoggerMessage(1513, LogLevel.Warning, "The CDN purger may have missed notices ({Reason}) and PurgeAllOnGap is off: the CDN may serve invalidated content until it expires")]
    private partial void LogWarningMissedNotices(string reason);

    [LoggerMessage(1514, LogLevel.Warning, "The {Provider} purge queue is full ({Capacity} requests): everything pending becomes one purge-all (PurgeAllOnOverflow)")]
    private partial void LogWarningOverflowPurgeAll(string provider, int capacity);

    [LoggerMessage(1515, LogLevel.Error, "The {Provider} purge queue is full ({Capacity} requests): purges are DROPPED until it drains (counted as cachecluster.cdn.purges outcome=dropped); the CDN may serve invalidated content until it expires")]
    private partial void LogErrorOverflowDropping(string provider, int capacity);

    [LoggerMessage(1516, LogLevel.Warning, "The {Provider} purge queue has drained after dropping {Dropped} purge requests")]
    private partial void LogWarningCaughtUp(string provider, int dropped);

    private sealed class Lane(ICdnPurgeTarget target, CdnPurgeQueue queue)
    {
        public ICdnPurgeTarget Target { get; } = target;

        public CdnPurgeQueue Queue { get; } = queue;

        public bool Sending { get; set; }
    }
}
