using CacheCluster.Hosting;

namespace CacheCluster.Internal;

/// <summary>
/// The near cache: fresh entries, least recently used first out, bounded in entries and bytes. A read that misses puts
/// a marker for its key before it asks the grain; a change notice (or this client's own write) removes the marker, and
/// the answer is kept only if its marker is still there, so a notice that overtakes the answer can never leave a stale
/// copy behind.
/// </summary>
internal sealed class NearCache : INearCacheObserver, IInvalidationListener
{
    /// <summary>What an entry costs beyond its key and value: node, dictionary slot, result record.</summary>
    private const int EntryOverhead = 160;

    private readonly NearCacheOptions _options;
    private readonly TimeProvider _clock;
    private readonly IClusterClient _client;
    private readonly Dictionary<string, LinkedListNode<Entry>> _entries = new(StringComparer.Ordinal);
    private readonly LinkedList<Entry> _recency = new();
    private readonly Dictionary<string, object> _pending = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private INearCacheObserver? _reference;
    private long _bytes;

    public NearCache(NearCacheOptions options, TimeProvider clock, IClusterClient client, ClusterConnectionMonitor? monitor)
    {
        _options = options;
        _clock = clock;
        _client = client;
        if (monitor is not null)
        {
            // Notices sent while disconnected are lost: start over on losing the cluster and on getting it back.
            monitor.Lost += Flush;
            monitor.Recovered += Flush;
        }
    }

    /// <summary>Raised when a key is dropped because its grain said it changed (for tests to await).</summary>
    public event Action<string>? Invalidated;

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>Gets the observer reference the grains are given.</summary>
    public INearCacheObserver Reference => LazyInitializer.EnsureInitialized(ref _reference, () => _client.CreateObjectReference<INearCacheObserver>(this));

    public bool TryGet(string key, out CacheReadResult result)
    {
        if (TryGetCompleted(key, out var completed))
        {
            result = completed.Result;
            return true;
        }

        result = CacheReadResult.Missing;
        return false;
    }

    /// <summary>A hit as an already-completed task, made once per entry: a hit allocates nothing.</summary>
    public bool TryGetCompleted(string key, out Task<CacheReadResult> result)
    {
        var now = _clock.GetUtcNow();
        lock (_lock)
        {
            if (_entries.TryGetValue(key, out var node))
            {
                if (node.Value.ValidUntil > now)
                {
                    if (!ReferenceEquals(_recency.First, node))
                    {
                        _recency.Remove(node);
                        _recency.AddFirst(node);
                    }

                    result = node.Value.Completed;
                    return true;
                }

                Remove(node);
            }
        }

        result = null!;
        return false;
    }

    public object BeginRead(string key)
    {
        var marker = new object();
        lock (_lock)
        {
            _pending[key] = marker;
        }

        return marker;
    }

    /// <summary>Keeps a tracked, fresh answer, unless a change was reported since <see cref="BeginRead"/>.</summary>
    public void Complete(string key, object marker, CacheTrackedRead read)
    {
        var result = read.Result;
        var now = _clock.GetUtcNow();
        var validUntil = now + _options.MaxTimeToLive;
        if (result.FreshUntil is { } freshUntil && freshUntil < validUntil)
        {
            validUntil = freshUntil;
        }

        if (result.ExpiresAt is { } expiresAt && expiresAt < validUntil)
        {
            validUntil = expiresAt;
        }

        var size = (long)(result.Value?.Data.Length ?? 0) + (key.Length * 2) + EntryOverhead;
        var keep = read.Tracked && result.State == CacheEntryState.Fresh && result.Value is not null && validUntil > now && size <= _options.MaxBytes;
        lock (_lock)
        {
            if (!_pending.TryGetValue(key, out var current) || !ReferenceEquals(current, marker))
            {
                return;
            }

            _pending.Remove(key);
            if (!keep)
            {
                return;
            }

            if (_entries.TryGetValue(key, out var old))
            {
                Remove(old);
            }

            _entries[key] = _recency.AddFirst(new Entry(key, result, validUntil, size, Task.FromResult(result)));
            _bytes += size;
            while (_entries.Count > _options.MaxEntries || _bytes > _options.MaxBytes)
            {
                Remove(_recency.Last!);
            }
        }
    }

    /// <summary>Drops the key and any read of it in flight (a change notice, or this client's own write).</summary>
    public void Invalidate(string key)
    {
        lock (_lock)
        {
            _pending.Remove(key);
            if (_entries.TryGetValue(key, out var node))
            {
                Remove(node);
            }
        }
    }

    public void RemoveWhere(Func<Entry, bool> predicate)
    {
        lock (_lock)
        {
            _pending.Clear();
            foreach (var node in _entries.Values.Where(n => predicate(n.Value)).ToList())
            {
                Remove(node);
            }
        }
    }

    public void RemoveTag(string tag) => RemoveWhere(e => e.Result.Tags.Contains(tag, StringComparer.Ordinal));

    public void RemovePattern(CacheKeyPattern pattern) => RemoveWhere(e => pattern.IsMatch(e.Key));

    public void Flush()
    {
        lock (_lock)
        {
            _pending.Clear();
            _entries.Clear();
            _recency.Clear();
            _bytes = 0;
        }
    }

    Task INearCacheObserver.InvalidateAsync(string key)
    {
        Invalidate(key);
        Invalidated?.Invoke(key);
        return Task.CompletedTask;
    }

    ValueTask IInvalidationListener.OnInvalidatedAsync(InvalidationNotice notice)
    {
        foreach (var key in notice.Keys)
        {
            Invalidate(key);
        }

        foreach (var tag in notice.Tags)
        {
            RemoveTag(tag);
        }

        foreach (var pattern in notice.Patterns)
        {
            RemovePattern(CacheKeyPattern.Parse(pattern));
        }

        return ValueTask.CompletedTask;
    }

    ValueTask IInvalidationListener.OnFlushAsync(InvalidationFlushReason reason)
    {
        Flush();
        return ValueTask.CompletedTask;
    }

    private void Remove(LinkedListNode<Entry> node)
    {
        _recency.Remove(node);
        _entries.Remove(node.Value.Key);
        _bytes -= node.Value.Size;
    }

    internal sealed record Entry(string Key, CacheReadResult Result, DateTimeOffset ValidUntil, long Size, Task<CacheReadResult> Completed);
}
