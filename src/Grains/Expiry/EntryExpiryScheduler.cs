namespace CacheCluster.Expiry;

/// <summary>
/// One queue of hard-expiry due times for all active entries of a silo, instead of a timer per entry.
/// </summary>
/// <remarks>
/// A ticket is queued at most once for its earliest due time; when that passes and its entry has been given a later
/// expiry meanwhile, the activation queues itself again. So the queue holds about one item per active entry, plus a
/// small released ticket for each entry deactivated before its due time.
/// </remarks>
internal sealed class EntryExpiryScheduler : IExpirySweep
{
    private readonly PriorityQueue<ExpiryTicket, long> _queue = new();
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

    public void Schedule(ExpiryTicket ticket, DateTimeOffset expiresAt)
    {
        var due = expiresAt.UtcTicks;
        lock (_lock)
        {
            if (ticket.Activation is null || (ticket.DueTicks != 0 && ticket.DueTicks <= due))
            {
                return;
            }

            ticket.DueTicks = due;
            _queue.Enqueue(ticket, due);
        }
    }

    public void Release(ExpiryTicket ticket)
    {
        lock (_lock)
        {
            ticket.Activation = null;
        }
    }

    public Task SweepAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        List<IExpiringActivation>? due = null;
        lock (_lock)
        {
            while (_queue.TryPeek(out var ticket, out var ticks) && ticks <= now.UtcTicks)
            {
                _queue.Dequeue();
                if (ticket.DueTicks == ticks && ticket.Activation is { } activation)
                {
                    ticket.DueTicks = 0;
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
