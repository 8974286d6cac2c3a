namespace CacheCluster.Http.Cdn;

/// <summary>
/// One CDN's pending purge requests, bounded. A purge-all supersedes everything pending before it, and covers
/// everything that arrives while it waits. Past <see cref="Capacity"/>, a request either turns the queue into one
/// purge-all (<c>PurgeAllOnOverflow</c>) or is dropped and counted: a gap the CDN may serve stale content through.
/// Not thread-safe: the purger grain's turns serialize it.
/// </summary>
internal sealed class CdnPurgeQueue(int capacity, bool purgeAllOnOverflow, Func<IEnumerable<PurgeRequest>> planPurgeAll)
{
    /// <summary>The kind of a purge-everything request.</summary>
    public const string PurgeAllKind = "all";

    private readonly Queue<PurgeRequest> _pending = new();
    private bool _purgeAllPending;

    public int Capacity { get; } = capacity;

    /// <summary>Gets the number of requests waiting to be sent: the backlog.</summary>
    public int Count => _pending.Count;

    /// <summary>Gets how many requests were dropped since the queue last ran empty.</summary>
    public int DroppedSinceEmpty { get; private set; }

    /// <summary>Adds a request and says what became of it and of the requests it displaced.</summary>
    public CdnEnqueueResult Enqueue(PurgeRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Kind == PurgeAllKind)
        {
            return new CdnEnqueueResult(CdnEnqueueOutcome.Queued, ReplaceWithPurgeAll([request]));
        }

        if (_purgeAllPending)
        {
            return new CdnEnqueueResult(CdnEnqueueOutcome.Covered, []);
        }

        if (_pending.Count >= Capacity)
        {
            if (purgeAllOnOverflow)
            {
                var superseded = ReplaceWithPurgeAll(planPurgeAll());
                return new CdnEnqueueResult(CdnEnqueueOutcome.Overflowed, [.. superseded, request]);
            }

            DroppedSinceEmpty++;
            return new CdnEnqueueResult(CdnEnqueueOutcome.Dropped, []);
        }

        _pending.Enqueue(request);
        return new CdnEnqueueResult(CdnEnqueueOutcome.Queued, []);
    }

    /// <summary>Takes the next request to send.</summary>
    public bool TryDequeue(out PurgeRequest request)
    {
        if (!_pending.TryDequeue(out request!))
        {
            return false;
        }

        if (request.Kind == PurgeAllKind && !_pending.Any(static r => r.Kind == PurgeAllKind))
        {
            _purgeAllPending = false;
        }

        return true;
    }

    /// <summary>Reads and resets the count of dropped requests, once the queue has run empty.</summary>
    public int TakeDroppedCount()
    {
        var dropped = DroppedSinceEmpty;
        DroppedSinceEmpty = 0;
        return dropped;
    }

    private List<PurgeRequest> ReplaceWithPurgeAll(IEnumerable<PurgeRequest> purgeAll)
    {
        if (_purgeAllPending)
        {
            // Only a purge-all is waiting, and it covers this one too.
            return [];
        }

        var superseded = _pending.ToList();
        _pending.Clear();
        foreach (var request in purgeAll)
        {
            _pending.Enqueue(request);
        }

        _purgeAllPending = true;
        return superseded;
    }
}
