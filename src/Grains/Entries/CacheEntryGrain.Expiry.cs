using CacheCluster.Eviction;

namespace CacheCluster.Entries;

/// <summary>
/// Expiry commands: Expire (a new hard expiry), Touch (slide it by the entry's window, up to its absolute cap) and
/// Persist (remove every expiry). Each is a write like any other: a new version, stored before it is acknowledged,
/// trackers told and any lease voided; a command that would change nothing stores nothing.
/// </summary>
internal sealed partial class CacheEntryGrain
{
    public Task<bool> ExpireAsync(TimeSpan timeToLive)
    {
        ThrowIfKeyInvalid("Expire");
        if (timeToLive > CacheEntryOptions.MaxTimeToLive)
        {
            throw new InvalidCacheOptionsException(
                $"The time to live must be at most {CacheEntryOptions.MaxTimeToLive.TotalDays:0} days (was {timeToLive}).")
            {
                Key = CacheKey.Describe(_key),
                Operation = "Expire",
            };
        }

        return WriteAsync("Expire", (current, now) =>
        {
            if (current is null)
            {
                return (current, false);
            }

            // Redis: a time to live of zero or less removes the key.
            if (timeToLive <= TimeSpan.Zero)
            {
                return (null, true);
            }

            // A fixed expiry replaces the sliding window and its cap; the soft expiry never outlives the hard one.
            var expiresAt = now + timeToLive;
            var freshUntil = current.FreshUntil is { } fresh && fresh > expiresAt ? expiresAt : current.FreshUntil;
            if (current.ExpiresAt == expiresAt && current.FreshUntil == freshUntil && current.SlidingExpiration is null)
            {
                return (current, true);
            }

            return (WithExpiry(current, now, freshUntil, expiresAt, sliding: null, absoluteExpiresAt: null), true);
        });
    }

    public Task<bool> TouchAsync()
    {
        ThrowIfKeyInvalid("Touch");
        return WriteAsync("Touch", (current, now) => current is null ? (current, false) : (Touched(current, now), true));
    }

    public Task<bool> PersistAsync()
    {
        ThrowIfKeyInvalid("Persist");
        return WriteAsync("Persist", (current, now) =>
            current is null || current is { ExpiresAt: null, FreshUntil: null, SlidingExpiration: null }
                ? (current, false)
                : (WithExpiry(current, now, freshUntil: null, expiresAt: null, sliding: null, absoluteExpiresAt: null), true));
    }

    public async Task<CacheReadResult> GetAndTouchAsync()
    {
        ThrowIfKeyInvalid("GetAndTouch");
        var (record, at) = await WriteAsync("Touch", (current, now) =>
        {
            if (current is null)
            {
                return (current, ((EntryRecord?)null, now));
            }

            RequireKind(current, CacheEntryKind.Value, "GetAndTouch");
            var next = Touched(current, now);
            return (next, (next, now));
        });

        if (record is null)
        {
            Metrics.Miss();
            return CacheReadResult.Missing;
        }

        var state = record.StateAt(at);
        Metrics.Hit(state);
        return ReadResult(record, state);
    }

    /// <summary>
    /// The record after a touch: the hard expiry moved to now plus the sliding window, capped by the absolute expiry,
    /// and the soft expiry moved by as much (keeping the entry's stale tail), never past the hard one. The same instance
    /// when nothing moves: no window, or the cap already reached.
    /// </summary>
    private static EntryRecord Touched(EntryRecord current, DateTimeOffset now)
    {
        if (current is not { SlidingExpiration: { } sliding, ExpiresAt: { } expiresAt })
        {
            return current;
        }

        var next = now + sliding;
        if (current.AbsoluteExpiresAt is { } cap && next > cap)
        {
            next = cap;
        }

        if (next == expiresAt)
        {
            return current;
        }

        DateTimeOffset? freshUntil = current.FreshUntil is { } fresh ? fresh + (next - expiresAt) : null;
        if (freshUntil > next)
        {
            freshUntil = next;
        }

        return WithExpiry(current, now, freshUntil, next, sliding, current.AbsoluteExpiresAt);
    }

    /// <summary>A new version of <paramref name="current"/> with the same data and tags and the expiry given.</summary>
    private static EntryRecord WithExpiry(
        EntryRecord current,
        DateTimeOffset now,
        DateTimeOffset? freshUntil,
        DateTimeOffset? expiresAt,
        TimeSpan? sliding,
        DateTimeOffset? absoluteExpiresAt) => new()
    {
        Version = current.Version + 1,
        Kind = current.Kind,
        Value = current.Value,
        List = current.List,
        ContentType = current.ContentType,
        LastModified = now,
        LastUsed = Recency.StampOf(now),
        FreshUntil = freshUntil,
        ExpiresAt = expiresAt,
        SlidingExpiration = sliding,
        AbsoluteExpiresAt = absoluteExpiresAt,
        Tags = current.Tags,
        HttpPolicy = current.HttpPolicy,
    };
}
