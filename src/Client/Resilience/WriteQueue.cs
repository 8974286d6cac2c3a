namespace CacheCluster.Resilience;

/// <summary>
/// Writes the cluster did not take, kept until it is back: one per target (a key, tag, pattern or event id), the
/// newest wins, in the order they were made. Bounded: when full, the oldest queued Set makes room; removes and
/// invalidations are never dropped for a Set, and a remove that finds the queue full of removes is refused (the caller
/// is told).
/// </summary>
internal sealed class WriteQueue(int capacity)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, QueuedWrite> _writes = new(StringComparer.Ordinal);
    private readonly HashSet<string> _keys = new(StringComparer.Ordinal);
    private readonly HashSet<string> _tags = new(StringComparer.Ordinal);
    private readonly List<QueuedWrite> _patterns = [];
    private long _sequence;
    private int _count;
    private int _removals;

    /// <summary>Gets how many writes wait (read without the lock).</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Gets a value indicating whether a tag or pattern removal waits (reads are then checked with <see cref="Covers"/>).</summary>
    public bool HasRemovals => Volatile.Read(ref _removals) > 0;

    /// <summary>Keeps <paramref name="write"/>, replacing any earlier write to the same target.</summary>
    /// <param name="write">The write.</param>
    /// <param name="dropped">The queued Set dropped to make room, if any.</param>
    /// <returns><see langword="false"/> when the queue is full and nothing may make room.</returns>
    public bool TryAdd(QueuedWrite write, out QueuedWrite? dropped)
    {
        dropped = null;
        lock (_lock)
        {
            if (!_writes.ContainsKey(write.Target) && _writes.Count >= capacity && (dropped = DropOldestSet()) is null)
            {
                return false;
            }

            write.Sequence = ++_sequence;
            if (_writes.Remove(write.Target, out var replaced))
            {
                Forget(replaced);
            }

            _writes[write.Target] = write;
            Remember(write);

            Volatile.Write(ref _count, _writes.Count);
            return true;
        }
    }

    /// <summary>Tells whether a write to <paramref name="key"/> waits, and gives it.</summary>
    public bool TryGetPending(string key, out QueuedWrite? write)
    {
        write = null;
        if (Count == 0)
        {
            return false;
        }

        lock (_lock)
        {
            return _keys.Contains(key) && _writes.TryGetValue(Target(key), out write);
        }
    }

    /// <summary>
    /// Tells whether a waiting tag or pattern removal covers an entry the cluster returned: this client removed it,
    /// the cluster does not know yet.
    /// </summary>
    public bool Covers(string key, IReadOnlyList<string> tags)
    {
        if (!HasRemovals)
        {
            return false;
        }

        lock (_lock)
        {
            foreach (var tag in tags)
            {
                if (_tags.Contains(tag))
                {
                    return true;
                }
            }

            foreach (var write in _patterns)
            {
                if (write.Pattern!.IsMatch(key))
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>The writes in the order they were made.</summary>
    public IReadOnlyList<QueuedWrite> Snapshot()
    {
        lock (_lock)
        {
            return [.. _writes.Values.OrderBy(w => w.Sequence)];
        }
    }

    /// <summary>Drops <paramref name="write"/> once applied, unless a newer write to its target replaced it meanwhile.</summary>
    public void Complete(QueuedWrite write)
    {
        lock (_lock)
        {
            if (_writes.TryGetValue(write.Target, out var current) && ReferenceEquals(current, write))
            {
                _writes.Remove(write.Target);
                Forget(write);
                Volatile.Write(ref _count, _writes.Count);
            }
        }
    }

    /// <summary>The queue's key for a write to a cache key (a Set and a Remove of one key replace each other).</summary>
    public static string Target(string key) => "k\0" + key;

    private void Remember(QueuedWrite write)
    {
        if (write.Key is { } key)
        {
            _keys.Add(key);
        }
        else if (write.Tag is { } tag)
        {
            _tags.Add(tag);
        }
        else if (write.Pattern is not null)
        {
            _patterns.Add(write);
        }

        Volatile.Write(ref _removals, _tags.Count + _patterns.Count);
    }

    private void Forget(QueuedWrite write)
    {
        if (write.Key is { } key)
        {
            _keys.Remove(key);
        }
        else if (write.Tag is { } tag)
        {
            _tags.Remove(tag);
        }
        else if (write.Pattern is not null)
        {
            _patterns.Remove(write);
        }

        Volatile.Write(ref _removals, _tags.Count + _patterns.Count);
    }

    private QueuedWrite? DropOldestSet()
    {
        QueuedWrite? oldest = null;
        foreach (var write in _writes.Values)
        {
            if (!write.Removes && (oldest is null || write.Sequence < oldest.Sequence))
            {
                oldest = write;
            }
        }

        if (oldest is not null)
        {
            _writes.Remove(oldest.Target);
            Forget(oldest);
        }

        return oldest;
    }
}
