using CacheCluster.Entries;

namespace CacheCluster.Storage;

/// <summary>
/// One activation's place in the <see cref="WriteBehindQueue"/>: the record the store has and the latest one its grain
/// acknowledged, coalesced (only the latest state of the key is written). At most one change per key is in flight, and
/// each is fenced on the version the store has, so an older value never overwrites a newer one.
/// </summary>
/// <remarks>The grain updates it on its scheduler; the queue takes and completes changes from the thread pool.</remarks>
internal sealed class WriteBehindEntry(string key)
{
    private readonly Lock _lock = new();
    private EntryRecord? _stored;
    private EntryRecord? _latest;
    private EntryRecord? _sending;
    private bool _dirty;
    private bool _inFlight;
    private bool _conflict;
    private TaskCompletionSource? _flight;

    public string Key => key;

    /// <summary>Gets a value indicating whether the store has the latest state (nothing pending, nothing in flight).</summary>
    public bool IsClean
    {
        get
        {
            lock (_lock)
            {
                return !_dirty && !_inFlight;
            }
        }
    }

    /// <summary>Gets the change in flight, to wait for; <see langword="null"/> when none is.</summary>
    /// <remarks>Its signal is made only when someone waits (a drain), not for every flushed change.</remarks>
    public Task? Flight
    {
        get
        {
            lock (_lock)
            {
                return _inFlight ? (_flight ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task : null;
            }
        }
    }

    /// <summary>
    /// Makes <paramref name="next"/> the key's latest state. <paramref name="stored"/> is what the store has when nothing
    /// is pending (the grain's record, stored or loaded).
    /// </summary>
    /// <returns><see langword="true"/> if the entry must be queued (it was clean).</returns>
    public bool Update(EntryRecord? stored, EntryRecord? next)
    {
        lock (_lock)
        {
            var queue = !_dirty && !_inFlight;
            if (queue)
            {
                _stored = stored;
            }

            _latest = next;
            _dirty = true;
            return queue;
        }
    }

    /// <summary>Takes the pending change to send, or <see langword="null"/> when there is none or one is in flight.</summary>
    public EntryChange? Take(DateTimeOffset now)
    {
        lock (_lock)
        {
            if (!_dirty || _inFlight)
            {
                return null;
            }

            _dirty = false;
            if (ReferenceEquals(_stored, _latest))
            {
                // Created and removed before a flush, or back where the store is: nothing to write.
                return null;
            }

            _inFlight = true;
            _sending = _latest;
            return EntryChanges.Between(key, _stored, _latest, now);
        }
    }

    /// <summary>Records the answer to the change in flight: applied, fenced (another activation wrote), or failed (retried).</summary>
    /// <returns><see langword="true"/> if the entry must be queued again (a newer state, or a retry, is pending).</returns>
    public bool Complete(WriteBehindOutcome outcome)
    {
        TaskCompletionSource? flight;
        bool queue;
        lock (_lock)
        {
            _inFlight = false;
            switch (outcome)
            {
                case WriteBehindOutcome.Applied:
                    _stored = _sending;
                    break;
                case WriteBehindOutcome.Fenced:
                    // Another activation of the key wrote meanwhile: its write stands and this one's pending state goes.
                    _conflict = true;
                    _dirty = false;
                    _stored = _latest = null;
                    break;
                default:
                    _dirty = true;
                    break;
            }

            _sending = null;
            flight = _flight;
            _flight = null;
            queue = _dirty;
        }

        flight?.TrySetResult();
        return queue;
    }

    /// <summary>Returns whether a change was fenced since the last call: the grain must then reload its record.</summary>
    public bool TakeConflict()
    {
        lock (_lock)
        {
            var conflict = _conflict;
            _conflict = false;
            return conflict;
        }
    }
}

/// <summary>The answer to one write-behind change.</summary>
internal enum WriteBehindOutcome
{
    Applied,
    Fenced,
    Failed,
}
