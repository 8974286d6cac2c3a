namespace CacheCluster.Expiry;

/// <summary>
/// One queue of hard-expiry due times for all active entries of a silo, instead of a timer per entry.
/// </summary>
/// <remarks>
/// An activation is queued at most once for its earliest due time; when that passes and its entry has been given a
/// later expiry meanwhile, it queues itself again. So the queue holds about one item per active entry.
/// </remarks>
internal sealed class EntryExpiryScheduler : IExpirySweep
{
    private readonly PriorityQueue<IExpiringActivation, long> _queue = new();
    private readonly Lock _lock = new();

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _queue.Count;
            }
        }
    }

    public void Schedule(IExpiringActivation activation, DateTimeOffset expiresAt)
    {
        var due = expiresAt.UtcTicks;
        lock (_lock)
        {
            var scheduled = activation.ScheduledExpiryTicks;
            if (scheduled != 0 && scheduled <= due)
            {
                return;
            }

            activation.ScheduledExpiryTicks = due;
            _queue.Enqueue(activation, due);
        }
    }

    public Task SweepAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        List<IExpiringActivation>? due = null;
        lock (_lock)
        {
            while (_queue.TryPeek(out var activation, out var ticks) && ticks <= now.UtcTicks)
            {
                _queue.Dequeue();
                if (activation.ScheduledExpiryTicks == ticks)
                {
                    activation.ScheduledExpiryTicks = 0;
                    (due ??= []).Add(activation);
                }
            }
        }

        if (due is not null)
        {
            foreach (var activation in due)
            {
                activation.OnExpiryDue(now);
            }
        }

        return Task.CompletedTask;
    }
}
