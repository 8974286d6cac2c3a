using System.Collections.Concurrent;
using CacheCluster.Hosting;
using CacheCluster.Internal;

namespace CacheCluster.NearCache;

/// <summary>
/// The near cache: fresh entries, bounded in entries and bytes, the least recently used out first (CLOCK, the usual
/// approximation of LRU: a hit only sets a flag). A hit takes no lock and allocates nothing. A read that misses puts a
/// marker for its key before it asks the grain; a change notice (or this client's own write) removes the marker, and the
/// answer is kept only if its marker is still there, so a notice that overtakes the answer can never leave a stale copy
/// behind.
/// </summary>
/// <remarks>
/// Copies outlive their validity for fail-safe: when the cluster is lost (no gateway, or the client's circuit breaker
/// opens) every copy is demoted, so it is no longer served as fresh, and an expired copy is kept up to the fail-safe
/// maximum. GetOrSet falls back on such a copy (<see cref="TryGetFailSafe"/>) only while the cluster cannot answer.
/// </remarks>
internal sealed partial class NearCache : INearCacheObserver, IInvalidationListener
{
    /// <summary>What an entry costs beyond its key and value: entry, dictionary slot, result record.</summary>
    private const int EntryOverhead = 160;

    private readonly NearCacheOptions _options;
    private readonly TimeProvider _clock;
    private readonly IClusterClient _client;
    private readonly long _failSafeTicks;
    private readonly NearCacheDeparture? _departure;

    // Readers look entries up without the lock; every change (and the clock ring) is made under it.
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly List<Entry?> _ring = [];
    private readonly Stack<int> _freeSlots = new();
    private readonly Dictionary<string, object> _pending = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private INearCacheObserver? _reference;
    private int _hand;
    private int _generation;
    private long _bytes;

    public NearCache(NearCacheOptions options, TimeProvider clock, IClusterClient client, ClusterConnectionMonitor? monitor, TimeSpan failSafeMaxDuration = default, NearCacheDeparture? departure = null)
    {
        _departure = departure;
        _options = options;
        _clock = clock;
        _client = client;
        _failSafeTicks = failSafeMaxDuration.Ticks;
        if (monitor is not null)
        {
            // Notices sent while disconnected are lost: nothing kept so far is served as fresh again.
            monitor.Lost += Demote;
            monitor.Recovered += Demote;
        }
    }

    /// <summary>Raised when a key is dropped because its grain said it changed (for tests to await).</summary>
    public event Action<string>? Invalidated;

    public int Count => _entries.Count;

    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>Gets the observer reference the grains are given (the client tells the cluster to forget it when it stops).</summary>
    public INearCacheObserver Reference => LazyInitializer.EnsureInitialized(ref _reference, () =>
    {
        var reference = _client.CreateObjectReference<INearCacheObserver>(this);
        _departure?.Tracking(reference);
        return reference;
    });

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

    /// <summary>A hit as an already-completed task, made once per entry: a hit allocates nothing and takes no lock.</summary>
    public bool TryGetCompleted(string key, out Task<CacheReadResult> result)
    {
        if (_entries.TryGetValue(key, out var entry))
        {
            var now = _clock.GetUtcNow().UtcTicks;
            if (entry.ValidUntilTicks > now && entry.Generation == Volatile.Read(ref _generation))
            {
                // A plain write, and only when the flag is clear: hot entries do not bounce a cache line between cores.
                if (!entry.Referenced)
                {
                    entry.Referenced = true;
                }

                result = entry.Completed;
                return true;
            }

            if (now - entry.ValidUntilTicks <= _failSafeTicks)
            {
                // Expired or demoted, but still good for fail-safe.
                result = null!;
                return false;
            }

            lock (_lock)
            {
                if (_entries.TryGetValue(key, out var current) && ReferenceEquals(current, entry))
                {
                    Remove(entry);
                }
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

    /// <summary>
    /// Keeps a tracked, fresh answer, unless a change was reported since <see cref="BeginRead"/>; for at most
    /// <paramref name="bound"/> when given (and never longer than the options allow).
    /// </summary>
    public void Complete(string key, object marker, CacheTrackedRead read, TimeSpan? bound = null)
    {
        var result = read.Result;
        var now = _clock.GetUtcNow();
        var validUntil = now + Bound(bound);
        if (result.FreshUntil is { } freshUntil && freshUntil < validUntil)
        {
            validUntil = freshUntil;
        }

        if (result.ExpiresAt is { } expiresAt && expiresAt < validUntil)
        {
            validUntil = expiresAt;
        }

        var size = Size(key, result);
        var keep = read.Tracked && result.State == CacheEntryState.Fresh && result.Value is not null && validUntil > now && size <= _options.MaxBytes;
        lock (_lock)
        {
            if (!_pending.TryGetValue(key, out var current) || !ReferenceEquals(current, marker))
            {
                return;
            }

            _pending.Remove(key);
            if (keep)
            {
                Store(new Entry(key, result, validUntil.UtcTicks, size, Task.FromResult(result), _generation));
            }
        }
    }

    /// <summary>
    /// Keeps a value that exists only in this client (not stored in the cluster, so no entry tracks it) for at most
    /// <paramref name="bound"/> (and never longer than the options allow). It is dropped by this client's own changes to
    /// the key and by tag, pattern and flush notices, but no other client's write reaches it: it simply expires.
    /// </summary>
    public void KeepLocal(string key, CacheValue value, IReadOnlyList<string>? tags, TimeSpan? bound) =>
        KeepUntracked(key, marker: null, value, tags, bound, failSafeOnly: false);

    /// <summary>Drops the key and any read of it in flight (a change notice, or this client's own write).</summary>
    public void Invalidate(string key)
    {
        lock (_lock)
        {
            _pending.Remove(key);
            if (_entries.TryGetValue(key, out var entry))
            {
                Remove(entry);
            }
        }
    }

    public void RemoveWhere(Func<Entry, bool> predicate)
    {
        lock (_lock)
        {
            _pending.Clear();
            foreach (var entry in _entries.Values.Where(predicate).ToList())
            {
                Remove(entry);
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
            _ring.Clear();
            _freeSlots.Clear();
            _hand = 0;
            Interlocked.Exchange(ref _bytes, 0);
        }
    }

    Task INearCacheObserver.InvalidateAsync(string key)
    {
        Invalidate(key);
        Invalidated?.Invoke(key);
        return Task.CompletedTask;
    }

    Task INearCacheObserver.InvalidateManyAsync(string[] keys)
    {
        foreach (var key in keys)
        {
            Invalidate(key);
            Invalidated?.Invoke(key);
        }

        return Task.CompletedTask;
    }

    Task INearCacheObserver.PingAsync() => Task.CompletedTask;

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
        // Notices were missed: no copy is served as fresh again; they stay for fail-safe only.
        Demote();
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Keeps a value no entry tracks: fresh for this client (<see cref="KeepLocal"/>) or for fail-safe only; with a
    /// <paramref name="marker"/>, only if nothing changed the key since it was taken.
    /// </summary>
    private void KeepUntracked(string key, object? marker, CacheValue value, IReadOnlyList<string>? tags, TimeSpan? bound, bool failSafeOnly)
    {
        var now = _clock.GetUtcNow();
        var validUntil = now + Bound(bound);
        var result = new CacheReadResult
        {
            State = failSafeOnly ? CacheEntryState.Stale : CacheEntryState.Fresh,
            Value = value,
            LastModified = now,
            FreshUntil = validUntil,
            ExpiresAt = validUntil,
            Tags = tags ?? [],
        };
        var size = Size(key, result);
        if (size > _options.MaxBytes)
        {
            return;
        }

        lock (_lock)
        {
            if (marker is not null && (!_pending.TryGetValue(key, out var current) || !ReferenceEquals(current, marker)))
            {
                return;
            }

            _pending.Remove(key);
            Store(new Entry(key, result, validUntil.UtcTicks, size, Task.FromResult(result), failSafeOnly ? -1 : _generation));
        }
    }

    private static long Size(string key, CacheReadResult result) => (long)(result.Value?.Data.Length ?? 0) + (key.Length * 2) + EntryOverhead;

    private TimeSpan Bound(TimeSpan? bound) => bound is { } b && b < _options.MaxTimeToLive ? b : _options.MaxTimeToLive;

    /// <summary>Replaces the key's entry and evicts down to the bounds (under the lock).</summary>
    private void Store(Entry entry)
    {
        if (_entries.TryGetValue(entry.Key, out var old))
        {
            Remove(old);
        }

        Add(entry);
        while (_entries.Count > _options.MaxEntries || _bytes > _options.MaxBytes)
        {
            EvictOne();
        }
    }

    private void Add(Entry entry)
    {
        if (_freeSlots.TryPop(out var slot))
        {
            _ring[slot] = entry;
        }
        else
        {
            slot = _ring.Count;
            _ring.Add(entry);
        }

        entry.Slot = slot;
        _entries[entry.Key] = entry;
        Interlocked.Add(ref _bytes, entry.Size);
    }

    private void Remove(Entry entry)
    {
        _entries.TryRemove(entry.Key, out _);
        _ring[entry.Slot] = null;
        _freeSlots.Push(entry.Slot);
        Interlocked.Add(ref _bytes, -entry.Size);
    }

    /// <summary>Moves the clock hand to the first entry not used since the hand last passed it, and drops it.</summary>
    private void EvictOne()
    {
        while (true)
        {
            if (_hand >= _ring.Count)
            {
                _hand = 0;
            }

            var entry = _ring[_hand++];
            if (entry is null)
            {
                continue;
            }

            if (entry.Referenced)
            {
                entry.Referenced = false;
                continue;
            }

            Remove(entry);
            return;
        }
    }

    internal sealed class Entry(string key, CacheReadResult result, long validUntilTicks, long size, Task<CacheReadResult> completed, int generation)
    {
        /// <summary>Gets the near cache's generation when the copy was kept: served only while it is the current one.</summary>
        public int Generation { get; } = generation;

        public string Key { get; } = key;

        public CacheReadResult Result { get; } = result;

        public long ValidUntilTicks { get; } = validUntilTicks;

        public long Size { get; } = size;

        public Task<CacheReadResult> Completed { get; } = completed;

        /// <summary>Set by a hit, cleared by the clock hand passing: used since the hand last came by.</summary>
        public bool Referenced { get; set; }

        /// <summary>The entry's place in the clock ring (changed under the lock only).</summary>
        public int Slot { get; set; }
    }
}
