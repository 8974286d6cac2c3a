using CacheCluster.Eviction;
using CacheCluster.Invalidation;
using CacheCluster.Operations;
using CacheCluster.Storage;
using Microsoft.Extensions.Logging;

namespace CacheCluster.Entries;

/// <summary>
/// Writes: the value commands and the fenced read-decide-write loop that every change (lists and leases included)
/// goes through, storing the record and its tag and key-index registrations in one atomic step.
/// </summary>
internal sealed partial class CacheEntryGrain
{
    private const int MaxStoreAttempts = 3;

    public Task<CacheWriteResult> SetAsync(CacheValue value, CacheEntryOptions? options, CacheWriteCondition condition)
    {
        ArgumentNullException.ThrowIfNull(value);
        CheckValue(value.Data.Length, value.ContentType);
        options?.Validate();
        if (!Enum.IsDefined(condition.Mode) || (condition.Mode == CacheWriteMode.IfVersion && condition.ExpectedVersion <= 0))
        {
            throw new InvalidCacheOptionsException($"The write condition {condition} is not valid.") { Key = CacheKey.Describe(_key), Operation = "Set" };
        }

        return WriteAsync("Set", (current, now) =>
        {
            var currentVersion = current?.Version ?? 0;
            switch (condition.Mode)
            {
                case CacheWriteMode.IfNotExists when current is not null:
                    return (current, new CacheWriteResult(CacheWriteOutcome.KeyExists, currentVersion));
                case CacheWriteMode.IfExists or CacheWriteMode.IfVersion when current is null:
                    return (current, new CacheWriteResult(CacheWriteOutcome.KeyMissing, 0));
                case CacheWriteMode.IfVersion when currentVersion != condition.ExpectedVersion:
                    return (current, new CacheWriteResult(CacheWriteOutcome.VersionMismatch, currentVersion));
            }

            var next = NewRecord(current, now, CacheEntryKind.Value, value.Data, list: null, value.ContentType, options, keepExpiry: options?.KeepTimeToLive == true);
            return (next, new CacheWriteResult(current is null ? CacheWriteOutcome.Created : CacheWriteOutcome.Replaced, next.Version));
        }, durability: options?.Durability);
    }

    public async Task<bool> DeleteAsync()
    {
        ThrowIfKeyInvalid("Delete");
        var removed = await WriteAsync("Delete", static (current, _) => ((EntryRecord?)null, current is not null));
        if (removed)
        {
            NoteInvalidation();
        }

        // Deleting a missing key still voids an outstanding fill lease: its value may predate the change the
        // delete stands for (stale-set protection).
        if (_lease is not null)
        {
            OnEntryWritten(fillToken: 0);
        }

        return removed;
    }

    public Task<CacheMutationResult> IncrementAsync(long by, CacheEntryOptions? options)
    {
        ThrowIfKeyInvalid("Increment");
        options?.Validate();
        return WriteAsync("Increment", (current, now) =>
        {
            long value = 0;
            if (current is not null)
            {
                RequireKind(current, CacheEntryKind.Value, "Increment");
                if (!Int64Text.TryParse(current.Value!, out value))
                {
                    throw new CacheValueNotIntegerException("The value is not a 64-bit decimal integer, so it cannot be incremented.")
                    {
                        Key = CacheKey.Describe(_key),
                        Operation = "Increment",
                    };
                }
            }

            long result;
            try
            {
                result = checked(value + by);
            }
            catch (OverflowException)
            {
                throw new CacheIntegerOverflowException($"Incrementing {value} by {by} overflows a 64-bit integer.")
                {
                    Key = CacheKey.Describe(_key),
                    Operation = "Increment",
                };
            }

            var next = NewRecord(
                current,
                now,
                CacheEntryKind.Value,
                Int64Text.Format(result),
                list: null,
                current?.ContentType ?? "text/plain; charset=utf-8",
                current is null ? options : null,
                keepExpiry: current is not null);
            return (next, new CacheMutationResult(result, next.Version));
        }, durability: options?.Durability);
    }

    /// <summary>
    /// Runs a read-decide-write cycle: <paramref name="decide"/> sees the live record and returns the next one (the same
    /// instance for "no change", <see langword="null"/> for "remove") with the caller's result. The store is fenced on
    /// the stored version; when another activation got there first, the record is reloaded and the decision re-made.
    /// A write-behind write (<paramref name="durability"/>, null for the silo's) is acknowledged once the record is
    /// queued for the store, unless it joins a tag.
    /// </summary>
    private async Task<T> WriteAsync<T>(string operation, Func<EntryRecord?, DateTimeOffset, (EntryRecord? Next, T Result)> decide, long fillToken = 0, CacheDurability? durability = null)
    {
        ThrowIfKeyInvalid(operation);
        using var activity = StartWriteSpan(operation);

        // Any write, stored or not, voids a fill's hand-off: its value may predate the change.
        _waitState?.HandOff = null;
        var behind = UsesWriteBehind(durability);
        if (_writeBehindEntry is not null)
        {
            if (behind)
            {
                await ReloadIfFencedAsync();
            }
            else
            {
                await CatchUpWriteBehindAsync(operation);
            }
        }

        for (var attempt = 1; ; attempt++)
        {
            var now = Clock.GetUtcNow();
            var stored = _record;
            var current = Live(now);
            var (next, result) = decide(current, now);
            if (ReferenceEquals(next, current))
            {
                activity?.Tag(CacheClusterTracing.Outcome, "unchanged");
                return result;
            }

            if (behind)
            {
                if (!EntryChanges.JoinsTag(stored, next))
                {
                    QueueWrite(stored, next);
                    Metrics.Write(operation);
                    OnEntryWritten(fillToken);
                    activity?.Tag(CacheClusterTracing.Outcome, "queued");
                    return result;
                }

                // Joining a tag: stored at once, after what is queued.
                behind = false;
                await CatchUpWriteBehindAsync(operation);
                continue;
            }

            // Held from before it is stored, so that the eviction monitor never takes a record its writer still holds.
            next?.TryHold();
            bool written;
            try
            {
                // One atomic step: the record and its registrations together, or nothing.
                var change = EntryChanges.Between(_key, stored, next, now);
                var started = Clock.GetTimestamp();
                written = next is null
                    ? await Store.DeleteIndexedAsync(_key, change.ExpectedVersion, change.Tags, change.KeyIndexPartition!)
                    : await Store.WriteIndexedAsync(_key, next, change.ExpectedVersion, change.TimeToLive, change.Tags, change.KeyIndexPartition, change.DroppedTags, now);
                if (Operations.SlowLog is { } slowLog && Clock.GetElapsedTime(started) is var took && took >= slowLog.Threshold)
                {
                    slowLog.Record("store." + operation, _key, took, SlowPhases.Storage);
                }
            }
            catch (CacheStorageException ex)
            {
                activity?.Fail(ex);
                next?.Release();
                LogWarningWriteFailed(ex, operation, KeyHash);
                throw new CacheStorageException(ex.Message) { Key = CacheKey.Describe(_key), Operation = operation };
            }

            if (written)
            {
                SetRecord(next, held: true);
                Metrics.Write(operation);
                OnEntryWritten(fillToken);
                activity?.Tag(CacheClusterTracing.Outcome, next is null ? "removed" : "written");
                return result;
            }

            // Another activation of this key wrote meanwhile (possible while membership changes), or a silo's batch
            // removal took the record from the store: catch up and retry. A fill's lease dates from before that change,
            // so it is void now (no stale set), and the fill's decision, made again, stores nothing.
            next?.Release();
            LogInformationFenceConflict(operation, KeyHash, attempt);
            if (fillToken != 0 && _lease?.Token == fillToken)
            {
                _lease = null;
                Metrics.LeaseVoided();
                SignalChanged();
            }

            SetRecord(await Store.ReadAsync(_key));
            if (attempt == MaxStoreAttempts)
            {
                throw new CacheStorageException($"The entry kept changing under concurrent writers; {operation} was not applied after {attempt} attempts.")
                {
                    Key = CacheKey.Describe(_key),
                    Operation = operation,
                };
            }
        }
    }

    public async Task<bool> InvalidateTagAsync(string tag)
    {
        ThrowIfKeyInvalid("InvalidateTag");
        CacheKey.ValidateTag(tag);
        if (Live(Clock.GetUtcNow()) is { } record && record.Tags.Contains(tag, StringComparer.Ordinal))
        {
            return await DeleteAsync();
        }

        // The entry no longer carries the tag (overwritten, removed or expired): drop the stale registration.
        await TagIndex.RemoveAsync([tag], _key);
        return false;
    }

    /// <summary>Builds the next record; versions keep increasing even across a delete and re-create.</summary>
    private EntryRecord NewRecord(
        EntryRecord? current,
        DateTimeOffset now,
        CacheEntryKind kind,
        byte[]? value,
        byte[][]? list,
        string? contentType,
        CacheEntryOptions? entryOptions,
        bool keepExpiry)
    {
        var version = current is not null
            ? current.Version + 1
            : Math.Max(_lastVersion + 1, now.ToUnixTimeMilliseconds() * 1000);

        DateTimeOffset? freshUntil, expiresAt, absoluteExpiresAt;
        TimeSpan? sliding;
        if (keepExpiry && current is not null)
        {
            (freshUntil, expiresAt, sliding, absoluteExpiresAt) = (current.FreshUntil, current.ExpiresAt, current.SlidingExpiration, current.AbsoluteExpiresAt);
        }
        else
        {
            var ttl = entryOptions?.TimeToLive;
            sliding = entryOptions?.SlidingExpiration;

            // With a sliding window, the hard expiry is the sooner of the window and the time to live (the absolute cap).
            var window = sliding is { } s && (ttl is null || s < ttl) ? s : ttl;
            var fresh = entryOptions?.FreshFor ?? window / 2;
            expiresAt = now + window;
            freshUntil = now + fresh;
            if (freshUntil > expiresAt)
            {
                freshUntil = expiresAt;
            }

            absoluteExpiresAt = sliding is null ? null : now + ttl;
        }

        return new EntryRecord
        {
            Version = version,
            Kind = kind,
            Value = value,
            List = list,
            ContentType = contentType,
            LastModified = now,
            LastUsed = Recency.StampOf(now),
            FreshUntil = freshUntil,
            ExpiresAt = expiresAt,
            SlidingExpiration = sliding,
            AbsoluteExpiresAt = absoluteExpiresAt,
            Tags = entryOptions?.Tags is { Count: > 0 } tags ? [.. tags.Distinct(StringComparer.Ordinal)] : keepExpiry && current is not null ? current.Tags : [],
            HttpPolicy = entryOptions?.HttpPolicy is { IsEmpty: false } policy ? policy : keepExpiry && entryOptions?.HttpPolicy is null ? current?.HttpPolicy : null,
        };
    }

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "{Operation} on entry {KeyHash} was not acknowledged by the store.")]
    private partial void LogWarningWriteFailed(Exception exception, string operation, string keyHash);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information, Message = "{Operation} on entry {KeyHash} lost a version fence to another activation (attempt {Attempt}); reloading.")]
    private partial void LogInformationFenceConflict(string operation, string keyHash, int attempt);
}
