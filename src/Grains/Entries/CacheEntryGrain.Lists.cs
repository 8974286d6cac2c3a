namespace CacheCluster.Entries;

/// <summary>List operations, with Redis' index and count semantics.</summary>
internal sealed partial class CacheEntryGrain
{
    public Task<CacheMutationResult> ListPushAsync(ListEnd end, IReadOnlyList<CacheValue> values, CacheEntryOptions? options)
    {
        ThrowIfKeyInvalid("ListPush");
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0 || !Enum.IsDefined(end))
        {
            throw new InvalidCacheRequestException("A push needs at least one value and an end (head or tail).") { Key = CacheKey.Describe(_key), Operation = "ListPush" };
        }

        options?.Validate();
        return WriteAsync("ListPush", (current, now) =>
        {
            var existing = current is null ? [] : ListOf(current, "ListPush");
            var added = values.Count;
            var merged = new byte[existing.Length + added][];
            if (end == ListEnd.Tail)
            {
                existing.CopyTo(merged, 0);
                for (var i = 0; i < added; i++)
                {
                    merged[existing.Length + i] = values[i].Data;
                }
            }
            else
            {
                // LPUSH a b c leaves c b a at the head.
                for (var i = 0; i < added; i++)
                {
                    merged[added - 1 - i] = values[i].Data;
                }

                existing.CopyTo(merged, added);
            }

            CheckValue(merged.Sum(static e => (long)e.Length), current?.ContentType ?? values[0].ContentType);
            var next = NewRecord(current, now, CacheEntryKind.List, value: null, merged, current?.ContentType ?? values[0].ContentType, current is null ? options : null, keepExpiry: current is not null);
            return (next, new CacheMutationResult(merged.Length, next.Version));
        }, durability: options?.Durability);
    }

    public Task<IReadOnlyList<CacheValue>> ListRangeAsync(long start, long stop)
    {
        ThrowIfKeyInvalid("ListRange");
        var record = Live(Clock.GetUtcNow());
        if (record is null)
        {
            return Task.FromResult<IReadOnlyList<CacheValue>>([]);
        }

        var list = ListOf(record, "ListRange");
        var (from, to) = Normalize(start, stop, list.Length);
        var result = new CacheValue[Math.Max(0, to - from + 1)];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = new CacheValue(list[from + i], record.ContentType);
        }

        return Task.FromResult<IReadOnlyList<CacheValue>>(result);
    }

    public Task<long> ListLengthAsync()
    {
        ThrowIfKeyInvalid("ListLength");
        var record = Live(Clock.GetUtcNow());
        return Task.FromResult(record is null ? 0L : ListOf(record, "ListLength").Length);
    }

    public Task<CacheMutationResult> ListRemoveAsync(CacheValue value, long count)
    {
        ThrowIfKeyInvalid("ListRemove");
        ArgumentNullException.ThrowIfNull(value);
        return WriteAsync("ListRemove", (current, now) =>
        {
            if (current is null)
            {
                return (current, new CacheMutationResult(0, 0));
            }

            var list = ListOf(current, "ListRemove");
            var limit = count == 0 ? long.MaxValue : Math.Abs(count);
            var remove = new bool[list.Length];
            long removed = 0;
            for (var n = 0; n < list.Length && removed < limit; n++)
            {
                var i = count < 0 ? list.Length - 1 - n : n;
                if (list[i].AsSpan().SequenceEqual(value.Data))
                {
                    remove[i] = true;
                    removed++;
                }
            }

            if (removed == 0)
            {
                return (current, new CacheMutationResult(0, current.Version));
            }

            var kept = list.Where((_, i) => !remove[i]).ToArray();
            var next = kept.Length == 0 ? null : WithList(current, now, kept);
            return (next, new CacheMutationResult(removed, next?.Version ?? 0));
        });
    }

    public Task<CacheMutationResult> ListTrimAsync(long start, long stop)
    {
        ThrowIfKeyInvalid("ListTrim");
        return WriteAsync("ListTrim", (current, now) =>
        {
            if (current is null)
            {
                return (current, new CacheMutationResult(0, 0));
            }

            var list = ListOf(current, "ListTrim");
            var (from, to) = Normalize(start, stop, list.Length);
            if (from == 0 && to == list.Length - 1)
            {
                return (current, new CacheMutationResult(list.Length, current.Version));
            }

            var kept = from > to ? [] : list[from..(to + 1)];
            var next = kept.Length == 0 ? null : WithList(current, now, kept);
            return (next, new CacheMutationResult(kept.Length, next?.Version ?? 0));
        });
    }

    private EntryRecord WithList(EntryRecord current, DateTimeOffset now, byte[][] list) =>
        NewRecord(current, now, CacheEntryKind.List, value: null, list, current.ContentType, entryOptions: null, keepExpiry: true);

    private byte[][] ListOf(EntryRecord record, string operation)
    {
        RequireKind(record, CacheEntryKind.List, operation);
        return record.List!;
    }

    /// <summary>Redis range rules: negative indexes count from the end; out-of-range ends are clamped; from &gt; to is empty.</summary>
    private static (int From, int To) Normalize(long start, long stop, int length)
    {
        if (start < 0)
        {
            start = Math.Max(0, length + start);
        }

        if (stop < 0)
        {
            stop = length + stop;
        }

        stop = Math.Min(stop, length - 1);
        return start > stop || start >= length ? (0, -1) : ((int)start, (int)stop);
    }
}
