using CacheCluster.Eviction;

namespace CacheCluster.Entries;

/// <summary>
/// Reads: the value, existence, time to live and metadata, all decided by the cache clock at the call.
/// </summary>
internal sealed partial class CacheEntryGrain
{
    public Task<CacheReadResult> GetAsync()
    {
        ThrowIfKeyInvalid("Get");
        using var activity = CacheClusterTracing.Start(GetSpan, _key);
        var now = Clock.GetUtcNow();
        var record = Live(now);
        if (record is null)
        {
            Metrics.Miss();
            activity?.Tag(CacheClusterTracing.Outcome, "miss");
            return Task.FromResult(CacheReadResult.Missing);
        }

        RequireKind(record, CacheEntryKind.Value, "Get");
        var state = record.StateAt(now);
        Metrics.Hit(state);
        activity?.Tag(CacheClusterTracing.Outcome, "hit");
        return Task.FromResult(ReadResult(record, state));
    }

    private static CacheReadResult ReadResult(EntryRecord record, CacheEntryState state) => new()
    {
        State = state,
        Value = new CacheValue(record.Value!, record.ContentType),
        Version = record.Version,
        LastModified = record.LastModified,
        FreshUntil = record.FreshUntil,
        ExpiresAt = record.ExpiresAt,
        HttpPolicy = record.HttpPolicy,
        Tags = record.Tags,
    };

    public Task<bool> ExistsAsync()
    {
        ThrowIfKeyInvalid("Exists");
        return Task.FromResult(Live(Clock.GetUtcNow()) is not null);
    }

    public Task<CacheTimeToLive> GetTimeToLiveAsync()
    {
        ThrowIfKeyInvalid("TimeToLive");
        var now = Clock.GetUtcNow();
        var record = Live(now);
        return Task.FromResult(record is null
            ? default
            : new CacheTimeToLive
            {
                Exists = true,
                TimeToLive = record.ExpiresAt - now,
                FreshFor = record.FreshUntil is { } freshUntil ? (freshUntil > now ? freshUntil - now : TimeSpan.Zero) : null,
            });
    }

    public Task<CacheEntryInfo?> GetInfoAsync()
    {
        ThrowIfKeyInvalid("Info");
        var now = Clock.GetUtcNow();
        var record = Live(now);
        return Task.FromResult(record is null
            ? null
            : new CacheEntryInfo
            {
                Kind = record.Kind,
                State = record.StateAt(now),
                Version = record.Version,
                ContentType = record.ContentType,
                SizeBytes = record.SizeBytes,
                Length = record.Kind == CacheEntryKind.List ? record.List!.Length : 1,
                LastModified = record.LastModified,
                FreshUntil = record.FreshUntil,
                ExpiresAt = record.ExpiresAt,
                Tags = record.Tags,
                HttpPolicy = record.HttpPolicy,
                SlidingExpiration = record.SlidingExpiration,
                AbsoluteExpiresAt = record.AbsoluteExpiresAt,
            });
    }

    /// <summary>
    /// Returns the record if it exists by the cache clock; an expired one makes the activation go away. Every call
    /// passes here, so it also stamps the activation's recency: one plain store, no lock.
    /// </summary>
    private EntryRecord? Live(DateTimeOffset now)
    {
        var stamp = Recency.StampOf(now);
        _lastUsed = stamp;
        Volatile.Write(ref _lastCallTicks, now.UtcTicks);
        var record = _record;
        if (record is null)
        {
            return null;
        }

        // The record's own stamp orders it among the embedded store's records; written once a second at most.
        if (record.LastUsed != stamp)
        {
            record.LastUsed = stamp;
        }

        if (!record.IsExpiredAt(now))
        {
            return record;
        }

        // Keep _record: its version still fences the next write against the store. Release the memory soon.
        this.DeactivateOnIdle();
        return null;
    }
}
