using System.Collections.Concurrent;
using CacheCluster.Entries;
using CacheCluster.Eviction;
using CacheCluster.Expiry;
using CacheCluster.Invalidation;

namespace CacheCluster.Storage;

/// <summary>
/// The embedded-mode store: records in a concurrent dictionary, shared by reference with the grains (so a value's
/// bytes are held once), swept of expired records incrementally like Redis' active expiry, and evicted least recently
/// used first at the silo's bound (<see cref="EvictColdest"/>).
/// </summary>
/// <remarks>
/// It keeps the tag and key indexes too: a write, a delete, a sweep or an eviction changes a key's record and its
/// registrations together under the key's lock, so an eviction can never drop the registrations of a newer write.
/// Reads take no lock.
/// </remarks>
internal sealed class MemoryEntryStore(MemoryTagIndex tagIndex, MemoryKeyIndex keyIndex, EvictionTrigger? trigger = null) : IEntryStore, IExpirySweep
{
    /// <summary>How many records one sweep examines at most, so a sweep never stalls on a large store.</summary>
    private const int SweepBudget = 20_000;

    private const int LockStripes = 64;

    private readonly ConcurrentDictionary<string, EntryRecord> _records = new(StringComparer.Ordinal);
    private readonly Lock[] _keyLocks = [.. Enumerable.Range(0, LockStripes).Select(_ => new Lock())];
    private readonly Lock _sweepLock = new();
    private readonly Lock _evictLock = new();
    private readonly ColdestSelector _selector = new();
    private IEnumerator<KeyValuePair<string, EntryRecord>>? _sweepCursor;
    private int _count;
    private long _bytes;

    /// <summary>Gets how many records the store holds.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Gets what the records cost, by <see cref="EntryRecord.EstimatedBytes"/>.</summary>
    public long EstimatedBytes => Volatile.Read(ref _bytes);

    public Task<EntryRecord?> ReadAsync(string key, CancellationToken cancellationToken = default) =>
        Task.FromResult(_records.TryGetValue(key, out var record) && !record.IsEvicted ? record : null);

    public Task<bool> WriteAsync(string key, EntryRecord record, long expectedVersion, TimeSpan? timeToLive, CancellationToken cancellationToken = default) =>
        WriteIndexedAsync(key, record, expectedVersion, timeToLive, [], null, [], default);

    public Task<bool> WriteIndexedAsync(string key, EntryRecord record, long expectedVersion, TimeSpan? timeToLive, IReadOnlyCollection<string> tags, string? keyIndexPartition, IReadOnlyCollection<string> droppedTags, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(record);
        using var activity = StorageTracing.StartCommit(batchSize: 1);
        int added;
        lock (LockOf(key))
        {
            var exists = _records.TryGetValue(key, out var current);
            if ((exists ? current!.Version : 0) != expectedVersion)
            {
                return Task.FromResult(false);
            }

            _records[key] = record;
            added = exists ? 0 : Interlocked.Increment(ref _count);
            Interlocked.Add(ref _bytes, record.EstimatedBytes(key.Length) - (exists ? current!.EstimatedBytes(key.Length) : 0));
            if (tags.Count > 0)
            {
                tagIndex.Add(tags, key, record.ExpiresAt);
            }

            if (keyIndexPartition is not null)
            {
                keyIndex.Add([keyIndexPartition], key, record.ExpiresAt);
            }

            if (droppedTags.Count > 0)
            {
                tagIndex.Remove(droppedTags, key);
            }
        }

        if (added > 0)
        {
            trigger?.OnRecordAdded(added);
        }

        return Task.FromResult(true);
    }

    public Task<bool> DeleteAsync(string key, long expectedVersion, CancellationToken cancellationToken = default) =>
        DeleteIndexedAsync(key, expectedVersion, [], IKeyIndex.PartitionOf(key));

    public Task<bool> DeleteIndexedAsync(string key, long expectedVersion, IReadOnlyCollection<string> tags, string keyIndexPartition)
    {
        ArgumentNullException.ThrowIfNull(key);
        using var activity = StorageTracing.StartCommit(batchSize: 1);
        lock (LockOf(key))
        {
            if (!_records.TryGetValue(key, out var current) || current.Version != expectedVersion)
            {
                return Task.FromResult(false);
            }

            RemoveLocked(key, current, tags, keyIndexPartition);
            return Task.FromResult(true);
        }
    }

    /// <summary>
    /// Picks the <paramref name="count"/> least recently used records and evicts those that no activation holds, with
    /// their tag and key index registrations. Returns how many went; the rest are held, and go once their activations
    /// have (a warmer record is never taken in their place).
    /// </summary>
    public int EvictColdest(int count, int nowStamp)
    {
        if (count <= 0)
        {
            return 0;
        }

        List<KeyValuePair<string, EntryRecord>> victims;
        lock (_evictLock)
        {
            victims = _selector.Select(_records, static pair => pair.Value.IsEvicted ? null : pair.Value.LastUsed, nowStamp, count);
        }

        var evicted = 0;
        foreach (var (key, record) in victims)
        {
            if (record.IsHeld)
            {
                continue;
            }

            lock (LockOf(key))
            {
                // Only this exact record, and only if no activation took it meanwhile: a newer write stays.
                if (_records.TryGetValue(key, out var current) && ReferenceEquals(current, record) && record.TryEvict())
                {
                    RemoveLocked(key, record, record.Tags, IKeyIndex.PartitionOf(key));
                    evicted++;
                }
            }
        }

        return evicted;
    }

    /// <summary>Removes expired records, examining at most <see cref="SweepBudget"/> per call and resuming where it stopped.</summary>
    public void Sweep(DateTimeOffset now)
    {
        // Several silos of one process may share the store (tests); one sweep at a time is enough.
        if (!_sweepLock.TryEnter())
        {
            return;
        }

        try
        {
            SweepSome(now);
        }
        finally
        {
            _sweepLock.Exit();
        }
    }

    public Task SweepAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        Sweep(now);
        return Task.CompletedTask;
    }

    private void SweepSome(DateTimeOffset now)
    {
        _sweepCursor ??= _records.GetEnumerator();
        for (var examined = 0; examined < SweepBudget; examined++)
        {
            if (!_sweepCursor.MoveNext())
            {
                _sweepCursor.Dispose();
                _sweepCursor = null;
                return;
            }

            var (key, record) = _sweepCursor.Current;
            if (record.IsExpiredAt(now))
            {
                lock (LockOf(key))
                {
                    // Only this exact record: a newer write under the same key stays.
                    if (_records.TryGetValue(key, out var current) && ReferenceEquals(current, record))
                    {
                        RemoveLocked(key, record, record.Tags, IKeyIndex.PartitionOf(key));
                    }
                }
            }
        }
    }

    /// <summary>Removes <paramref name="record"/> and its registrations; the caller holds the key's lock and has checked it is current.</summary>
    private void RemoveLocked(string key, EntryRecord record, IReadOnlyCollection<string> tags, string keyIndexPartition)
    {
        if (_records.TryRemove(new KeyValuePair<string, EntryRecord>(key, record)))
        {
            Interlocked.Decrement(ref _count);
            Interlocked.Add(ref _bytes, -record.EstimatedBytes(key.Length));
        }

        if (tags.Count > 0)
        {
            tagIndex.Remove(tags, key);
        }

        keyIndex.Remove([keyIndexPartition], key);
    }

    private Lock LockOf(string key) => _keyLocks[(key.GetHashCode() & int.MaxValue) % LockStripes];
}
