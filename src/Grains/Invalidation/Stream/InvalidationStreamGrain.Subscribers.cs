using Microsoft.Extensions.Logging;

namespace CacheCluster.Invalidation.Stream;

/// <summary>
/// Subscribers: each has its own bounded queue and sends one notice at a time, so order holds per subscriber and a slow
/// or failing one never holds up the others or the fan-out. A notice that fails or overflows is lost to that
/// subscriber: it sees the gap in the sequence at its next notice, and its next renewal answers
/// <see cref="InvalidationSubscriptionState.Renewed"/> = false, so either way it flushes.
/// </summary>
internal sealed partial class InvalidationStreamGrain
{
    private const int MaxQueuedNotices = 1024;
    private const int MaxConsecutiveFailures = 3;
    private static readonly TimeSpan DeliveryTimeout = TimeSpan.FromSeconds(10);

    private readonly Dictionary<GrainId, Subscriber> _subscribers = [];

    public Task<InvalidationSubscriptionState> SubscribeAsync(IInvalidationObserver observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        var now = clock.GetUtcNow();
        PruneExpired(now);
        var id = observer.GetGrainId();
        var renewed = _subscribers.TryGetValue(id, out var subscriber) && !subscriber.Lost;
        if (subscriber is null)
        {
            _subscribers[id] = subscriber = new Subscriber(observer);
            metrics.SubscriberAdded();
        }

        subscriber.Lost = false;
        subscriber.ExpiresAt = now + _options.SubscriptionLifetime;
        return Task.FromResult(new InvalidationSubscriptionState(_partition, _applied, _options.SubscriptionLifetime, renewed));
    }

    public Task UnsubscribeAsync(IInvalidationObserver observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        if (_subscribers.Remove(observer.GetGrainId(), out var subscriber))
        {
            subscriber.Queue.Clear();
            metrics.SubscriberRemoved();
        }

        return Task.CompletedTask;
    }

    private void Announce(InvalidationNotice notice)
    {
        PruneExpired(clock.GetUtcNow());
        foreach (var subscriber in _subscribers.Values)
        {
            if (subscriber.Queue.Count >= MaxQueuedNotices)
            {
                subscriber.Lost = true;
                metrics.NoticeDropped();
                continue;
            }

            subscriber.Queue.Enqueue(notice);
            if (!subscriber.Sending)
            {
                _ = SendAsync(subscriber);
            }
        }
    }

    private async Task SendAsync(Subscriber subscriber)
    {
        subscriber.Sending = true;
        try
        {
            while (!_deactivating && subscriber.Queue.TryPeek(out var notice))
            {
                try
                {
                    await subscriber.Observer.OnInvalidatedAsync(notice).WaitAsync(DeliveryTimeout, runtimeClock);
                    subscriber.Failures = 0;
                }
                catch (Exception ex)
                {
                    subscriber.Failures++;
                    subscriber.Lost = true;
                    metrics.SubscriberFailed();
                    LogWarningSubscriberFailed(ex, subscriber.Observer.GetGrainId(), _partition, notice.Sequence, subscriber.Failures);
                    if (subscriber.Failures >= MaxConsecutiveFailures)
                    {
                        // Presumed gone: it subscribes again when it is back, and then flushes.
                        var id = subscriber.Observer.GetGrainId();
                        if (_subscribers.TryGetValue(id, out var current) && ReferenceEquals(current, subscriber))
                        {
                            _subscribers.Remove(id);
                            metrics.SubscriberRemoved();
                        }

                        subscriber.Queue.Clear();
                        break;
                    }
                }

                subscriber.Queue.TryDequeue(out _);
            }
        }
        finally
        {
            subscriber.Sending = false;
        }
    }

    private void PruneExpired(DateTimeOffset now)
    {
        List<GrainId>? expired = null;
        foreach (var (id, subscriber) in _subscribers)
        {
            if (subscriber.ExpiresAt <= now)
            {
                (expired ??= []).Add(id);
            }
        }

        foreach (var id in expired ?? [])
        {
            _subscribers.Remove(id, out var subscriber);
            subscriber!.Queue.Clear();
            metrics.SubscriberRemoved();
        }
    }

    [LoggerMessage(1304, LogLevel.Warning, "Invalidation subscriber {Subscriber} failed to take notice {Partition}:{Sequence} ({Failures} in a row)")]
    private partial void LogWarningSubscriberFailed(Exception exception, GrainId subscriber, int partition, long sequence, int failures);

    private sealed class Subscriber(IInvalidationObserver observer)
    {
        public IInvalidationObserver Observer { get; } = observer;

        public Queue<InvalidationNotice> Queue { get; } = new();

        public DateTimeOffset ExpiresAt { get; set; }

        public bool Sending { get; set; }

        public bool Lost { get; set; }

        public int Failures { get; set; }
    }
}
