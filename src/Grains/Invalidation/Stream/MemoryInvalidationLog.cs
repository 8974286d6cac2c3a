namespace CacheCluster.Invalidation.Stream;

/// <summary>The embedded-mode log: in memory, shared by every partition grain of the process.</summary>
internal sealed class MemoryInvalidationLog : IInvalidationLog
{
    private readonly Dictionary<int, Partition> _partitions = [];
    private readonly Dictionary<string, (LogAppend Place, DateTimeOffset Until)> _seen = new(StringComparer.Ordinal);
    private readonly Queue<(string Id, DateTimeOffset Until)> _expiries = new();
    private readonly Lock _lock = new();

    public Task<LogAppend> AppendAsync(int partition, LoggedEvent record, TimeSpan duplicateWindow, DateTimeOffset now)
    {
        lock (_lock)
        {
            while (_expiries.TryPeek(out var oldest) && oldest.Until <= now)
            {
                _expiries.Dequeue();
                if (_seen.TryGetValue(oldest.Id, out var seen) && seen.Until <= now)
                {
                    _seen.Remove(oldest.Id);
                }
            }

            if (_seen.TryGetValue(record.EventId, out var original) && original.Until > now)
            {
                return Task.FromResult(original.Place with { Duplicate = true });
            }

            var state = Get(partition);
            var sequence = ++state.Last;
            state.Pending[sequence] = record with { Sequence = sequence };
            var place = new LogAppend(partition, sequence, Duplicate: false);
            _seen[record.EventId] = (place, now + duplicateWindow);
            _expiries.Enqueue((record.EventId, now + duplicateWindow));
            return Task.FromResult(place);
        }
    }

    public Task<IReadOnlyList<LoggedEvent>> PendingAsync(int partition)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<LoggedEvent>>([.. Get(partition).Pending.Values]);
        }
    }

    public Task CompleteAsync(int partition, long sequence)
    {
        lock (_lock)
        {
            Get(partition).Pending.Remove(sequence);
        }

        return Task.CompletedTask;
    }

    public Task<bool> HasPendingAsync(int partition)
    {
        lock (_lock)
        {
            return Task.FromResult(Get(partition).Pending.Count > 0);
        }
    }

    public Task<long> LastSequenceAsync(int partition)
    {
        lock (_lock)
        {
            return Task.FromResult(Get(partition).Last);
        }
    }

    private Partition Get(int partition)
    {
        if (!_partitions.TryGetValue(partition, out var state))
        {
            _partitions[partition] = state = new Partition();
        }

        return state;
    }

    private sealed class Partition
    {
        public long Last { get; set; }

        public SortedDictionary<long, LoggedEvent> Pending { get; } = [];
    }
}
