namespace CacheCluster.Invalidation;

/// <summary>
/// The embedded-mode key index for pattern invalidation: per partition, each key with its expiry and the keys in
/// ordinal order, so that a pattern's literal prefix is a range of the sorted set (O(log N + matches)), not a scan.
/// </summary>
internal sealed class MemoryKeyIndex : IKeyIndex
{
    private readonly Dictionary<string, Partition> _partitions = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public Task AddAsync(IReadOnlyCollection<string> tags, string key, DateTimeOffset? expiresAt, DateTimeOffset now)
    {
        Add(tags, key, expiresAt);
        return Task.CompletedTask;
    }

    public Task RemoveAsync(IReadOnlyCollection<string> tags, string key)
    {
        Remove(tags, key);
        return Task.CompletedTask;
    }

    /// <summary>Registers <paramref name="key"/> in each partition, synchronously (the embedded store calls it under its key lock).</summary>
    internal void Add(IReadOnlyCollection<string> partitions, string key, DateTimeOffset? expiresAt)
    {
        var expiry = expiresAt?.UtcTicks ?? long.MaxValue;
        lock (_lock)
        {
            foreach (var name in partitions)
            {
                if (!_partitions.TryGetValue(name, out var partition))
                {
                    _partitions[name] = partition = new();
                }

                partition.Expiries[key] = expiry;
                partition.Ordered.Add(key);
            }
        }
    }

    /// <summary>Drops <paramref name="key"/> from each partition, synchronously.</summary>
    internal void Remove(IReadOnlyCollection<string> partitions, string key)
    {
        lock (_lock)
        {
            foreach (var name in partitions)
            {
                if (_partitions.TryGetValue(name, out var partition) && partition.Expiries.Remove(key))
                {
                    partition.Ordered.Remove(key);
                    if (partition.Expiries.Count == 0)
                    {
                        _partitions.Remove(name);
                    }
                }
            }
        }
    }

    public Task<IReadOnlyList<string>> MembersAsync(string tag, DateTimeOffset now) => RangeAsync(tag, "", null, int.MaxValue, now);

    public Task<IReadOnlyList<string>> RangeAsync(string partition, string prefix, string? after, int limit, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var keys = new List<string>();
        lock (_lock)
        {
            if (!_partitions.TryGetValue(partition, out var state) || state.Ordered.Count == 0)
            {
                return Task.FromResult<IReadOnlyList<string>>(keys);
            }

            var exclusive = after is not null && string.CompareOrdinal(after, prefix) >= 0;
            var lower = exclusive ? after! : prefix;
            var upper = UpperBound(prefix) ?? state.Ordered.Max!;
            if (string.CompareOrdinal(lower, upper) > 0)
            {
                return Task.FromResult<IReadOnlyList<string>>(keys);
            }

            // A view bounded by the prefix's range: finding its ends is O(log N), walking it O(keys under the prefix).
            foreach (var key in state.Ordered.GetViewBetween(lower, upper))
            {
                if ((exclusive && key == lower) || !key.StartsWith(prefix, StringComparison.Ordinal))
                {
                    continue;
                }

                if (state.Expiries[key] > now.UtcTicks)
                {
                    keys.Add(key);
                    if (keys.Count == limit)
                    {
                        break;
                    }
                }
            }
        }

        return Task.FromResult<IReadOnlyList<string>>(keys);
    }

    /// <summary>The least string above every string starting with <paramref name="prefix"/> (null when there is none, or no prefix).</summary>
    internal static string? UpperBound(string prefix)
    {
        for (var i = prefix.Length - 1; i >= 0; i--)
        {
            if (prefix[i] != char.MaxValue)
            {
                return string.Concat(prefix.AsSpan(0, i), [(char)(prefix[i] + 1)]);
            }
        }

        return null;
    }

    private sealed class Partition
    {
        public Dictionary<string, long> Expiries { get; } = new(StringComparer.Ordinal);

        public SortedSet<string> Ordered { get; } = new(StringComparer.Ordinal);
    }
}
