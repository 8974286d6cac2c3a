using System.Collections.Concurrent;
using CacheCluster.Entries;
using CacheCluster.Expiry;

namespace CacheCluster.Storage;

/// <summary>
/// The embedded-mode store: records in a concurrent dictionary, shared by reference with the grains (so a value's
/// bytes are held once), swept of expired records incrementally like Redis' active expiry.
/// </summary>
internal sealed class MemoryEntryStore : IEntryStore, IExpirySweep
{
    /// <summary>How many records one sweep examines at most, so a sweep never stalls on a large store.</summary>
    private const int SweepBudget = 20_000;

    private readonly ConcurrentDictionary<string, EntryRecord> _records = new(StringComparer.Ordinal);
    private readonly Lock _sweepLock = new();
    private IEnumerator<KeyValuePair<string, EntryRecord>>? _sweepCursor;

    public int Count => _records.Count;

    public Task<EntryRecord?> ReadAsync(string key, CancellationToken cancellationToken = default) =>
        Task.FromResult(_records.TryGetValue(key, out var record) ? record : null);

    public Task<bool> WriteAsync(string key, EntryRecord record, long expectedVersion, TimeSpan? timeToLive, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        while (true)
        {
            if (_records.TryGetValue(key, out var current))
            {
                if (current.Version != expectedVersion)
                {
                    return Task.FromResult(false);
                }

                if (_records.TryUpdate(key, record, current))
                {
                    return Task.FromResult(true);
                }
            }
            else
            {
                if (expectedVersion != 0)
                {
                    return Task.FromResult(false);
                }

                if (_records.TryAdd(key, record))
                {
                    return Task.FromResult(true);
                }
            }
        }
    }

    public Task<bool> DeleteAsync(string key, long expectedVersion, CancellationToken cancellationToken = default)
    {
        if (!_records.TryGetValue(key, out var current) || current.Version != expectedVersion)
        {
            return Task.FromResult(false);
        }

        return Task.FromResult(_records.TryRemove(new KeyValuePair<string, EntryRecord>(key, current)));
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
                // Only this exact record: a newer write under the same key stays.
                _records.TryRemove(new KeyValuePair<string, EntryRecord>(key, record));
            }
        }
    }

    public Task SweepAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        Sweep(now);
        return Task.CompletedTask;
    }
}
