using CacheCluster.Diagnostics;
using CacheCluster.Eviction;
using CacheCluster.Expiry;
using CacheCluster.Invalidation;
using CacheCluster.Hosting;
using CacheCluster.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CacheCluster.Entries;

/// <summary>
/// The grain for one key. It keeps the key's record in memory, reads expiry from the cache clock on every call, and
/// writes through to the entry store before it acknowledges anything.
/// </summary>
internal sealed partial class CacheEntryGrain(
    [FromKeyedServices(CacheClusterClock.ServiceKey)] TimeProvider clock,
    IEntryStore store,
    ITagIndex tagIndex,
    IKeyIndex keyIndex,
    EntryExpiryScheduler expiryScheduler,
    ActiveEntryTable activeEntries,
    CacheClusterMetrics metrics,
    IOptions<CacheClusterOptions> options,
    ILogger<CacheEntryGrain> logger) : Grain, ICacheEntryGrain, IExpiringActivation, IResidentActivation
{
    private const int MaxStoreAttempts = 3;
    private const int MaxContentTypeLength = 256;

    private readonly CacheClusterOptions _options = options.Value;

    // The record as last stored (possibly past its hard expiry): its version is the fence for the next write.
    // Volatile because the expiry scheduler reads it off the grain's scheduler.
    private volatile EntryRecord? _record;
    private long _lastVersion;
    private string _key = string.Empty;
    private InvalidCacheKeyException? _keyError;

    private ExpiryTicket? _expiryTicket;

    // The memory bound's view of this activation: its slot in the table, its last call, and whether it was told to go.
    private int _residentIndex = -1;
    private int _lastUsed;
    private int _evicting;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _key = this.GetPrimaryKeyString();
        _lastUsed = Recency.StampOf(clock.GetUtcNow());
        try
        {
            CacheKey.Validate(_key, _options.MaxKeyBytes);
        }
        catch (InvalidCacheKeyException ex)
        {
            // Reject every call instead of failing activation, so callers get the typed error.
            _keyError = ex;
            activeEntries.Add(this);
            return;
        }

        try
        {
            SetRecord(await store.ReadAsync(_key, cancellationToken));
            activeEntries.Add(this);
        }
        catch (CacheStorageException ex)
        {
            LogWarningLoadFailed(ex, KeyHash);

            // The Redis exception stays in the silo's log: callers get a serializable error without it.
            throw new CacheStorageException(ex.Message) { Key = CacheKey.Describe(_key), Operation = "Load" };
        }
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // Trackers are not kept across activations: tell them now, so no near copy outlives what this grain knows.
        NotifyTrackers();
        activeEntries.Remove(this);
        // The record stays in the embedded store, evictable now.
        _record?.Release();

        _record = null;
        if (_expiryTicket is not null)
        {
            expiryScheduler.Release(_expiryTicket);
        }

        return Task.CompletedTask;
    }

    public Task<CacheReadResult> GetAsync()
    {
        ThrowIfKeyInvalid("Get");
        var now = clock.GetUtcNow();
        var record = Live(now);
        if (record is null)
        {
            metrics.Miss();
            return Task.FromResult(CacheReadResult.Missing);
        }

        RequireKind(record, CacheEntryKind.Value, "Get");
        var state = record.StateAt(now);
        metrics.Hit(state);
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
        });
    }

    public async Task<bool> DeleteAsync()
    {
        ThrowIfKeyInvalid("Delete");
        var removed = await WriteAsync("Delete", static (current, _) => ((EntryRecord?)null, current is not null));

        // Deleting a missing key still voids an outstanding fill lease: its value may predate the change the
        // delete stands for (stale-set protection).
        if (_lease is not null)
        {
            OnEntryWritten(fillToken: 0);
        }

        return removed;
    }

    public Task<bool> ExistsAsync()
    {
        ThrowIfKeyInvalid("Exists");
        return Task.FromResult(Live(clock.GetUtcNow()) is not null);
    }

    public Task<CacheTimeToLive> GetTimeToLiveAsync()
    {
        ThrowIfKeyInvalid("TimeToLive");
        var now = clock.GetUtcNow();
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
        var now = clock.GetUtcNow();
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
            });
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
        });
    }

    void IExpiringActivation.OnExpiryDue(DateTimeOffset now)
    {
        var record = _record;
        if (record is null)
        {
            return;
        }

        if (record.IsExpiredAt(now))
        {
            metrics.Expired();
            CacheClusterEvents.Write(CacheClusterEvents.EntryExpired, _key);
            GrainContext.Deactivate(new DeactivationReason(DeactivationReasonCode.ApplicationRequested, "The entry passed its hard expiry."));
        }
        else if (record.ExpiresAt is { } expiresAt)
        {
            expiryScheduler.Schedule(_expiryTicket!, expiresAt);
        }
    }

    int IResidentActivation.ResidentIndex
    {
        get => _residentIndex;
        set => _residentIndex = value;
    }

    int IResidentActivation.LastUsed => Volatile.Read(ref _lastUsed);

    bool IResidentActivation.IsGoing => Volatile.Read(ref _evicting) != 0;

    bool IResidentActivation.IsEvictable => Volatile.Read(ref _evicting) == 0 && _lease is null;

    bool IResidentActivation.TryEvict(EvictionReason reason)
    {
        if (Interlocked.Exchange(ref _evicting, 1) != 0)
        {
            return false;
        }

        GrainContext.Deactivate(new DeactivationReason(
            DeactivationReasonCode.HighMemoryPressure,
            reason == EvictionReason.Memory ? "The silo neared its memory bound." : "The silo passed its entry limit."));
        return true;
    }

    private string KeyHash => CacheKey.Hash(_key);

    /// <summary>
    /// Returns the record if it exists by the cache clock; an expired one makes the activation go away. Every call
    /// passes here, so it also stamps the activation's recency: one plain store, no lock.
    /// </summary>
    private EntryRecord? Live(DateTimeOffset now)
    {
        var stamp = Recency.StampOf(now);
        _lastUsed = stamp;
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

    /// <summary>
    /// Makes <paramref name="record"/> the activation's record and holds it (see <see cref="EntryRecord.TryHold"/>),
    /// letting go of the previous one. A record evicted since it was read counts as absent, but its version still
    /// raises the floor for new versions.
    /// </summary>
    private void SetRecord(EntryRecord? record, bool held = false)
    {
        if (record is not null)
        {
            _lastVersion = Math.Max(_lastVersion, record.Version);
            if (!held && !record.TryHold())
            {
                record = null;
            }
        }

        var previous = _record;
        if (!ReferenceEquals(record, previous))
        {
            NotifyTrackers();
            previous?.Release();
        }
        else if (record is not null && !held)
        {
            // Held twice now (the same instance came back): keep one hold.
            record.Release();
        }

        _record = record;
        if (record is null)
        {
            return;
        }

        if (record.ExpiresAt is { } expiresAt)
        {
            expiryScheduler.Schedule(_expiryTicket ??= new ExpiryTicket(this), expiresAt);
        }
    }

    /// <summary>
    /// Runs a read-decide-write cycle: <paramref name="decide"/> sees the live record and returns the next one (the same
    /// instance for "no change", <see langword="null"/> for "remove") with the caller's result. The store is fenced on
    /// the stored version; when another activation got there first, the record is reloaded and the decision re-made.
    /// </summary>
    private async Task<T> WriteAsync<T>(string operation, Func<EntryRecord?, DateTimeOffset, (EntryRecord? Next, T Result)> decide, long fillToken = 0)
    {
        ThrowIfKeyInvalid(operation);
        for (var attempt = 1; ; attempt++)
        {
            var now = clock.GetUtcNow();
            var stored = _record;
            var current = Live(now);
            var (next, result) = decide(current, now);
            if (ReferenceEquals(next, current))
            {
                return result;
            }

            // Held from before it is stored, so that the eviction monitor never takes a record its writer still holds.
            next?.TryHold();
            bool written;
            try
            {
                var tagsToRegister = next is { Tags.Length: > 0 } && NeedsRegistration(stored, next) ? next.Tags : [];
                var keyIndexPartition = next is not null && (stored is null || stored.ExpiresAt != next.ExpiresAt) ? IKeyIndex.PartitionOf(_key) : null;
                if (store is IIndexedEntryStore indexed)
                {
                    // One atomic step: the record and its registrations together, or nothing.
                    written = next is null
                        ? await indexed.DeleteIndexedAsync(_key, stored!.Version, stored.Tags, IKeyIndex.PartitionOf(_key))
                        : await indexed.WriteIndexedAsync(_key, next, stored?.Version ?? 0, next.ExpiresAt - now, tagsToRegister, keyIndexPartition, DroppedTags(stored, next), now);
                }
                else
                {
                    // Register before the write: a failed write leaves a harmless extra registration, never an
                    // entry that tag invalidation cannot reach.
                    if (tagsToRegister.Length > 0)
                    {
                        await tagIndex.AddAsync(tagsToRegister, _key, next!.ExpiresAt, now);
                    }

                    if (keyIndexPartition is not null)
                    {
                        await keyIndex.AddAsync([keyIndexPartition], _key, next!.ExpiresAt, now);
                    }

                    written = next is null
                        ? await store.DeleteAsync(_key, stored!.Version)
                        : await store.WriteAsync(_key, next, stored?.Version ?? 0, next.ExpiresAt - now);
                }
            }
            catch (CacheStorageException ex)
            {
                next?.Release();
                LogWarningWriteFailed(ex, operation, KeyHash);
                throw new CacheStorageException(ex.Message) { Key = CacheKey.Describe(_key), Operation = operation };
            }

            if (written)
            {
                if (store is not IIndexedEntryStore)
                {
                    await UnregisterDroppedTagsAsync(stored, next);
                }

                SetRecord(next, held: true);
                metrics.Write(operation);
                OnEntryWritten(fillToken);
                return result;
            }

            // Another activation of this key wrote meanwhile (possible while membership changes): catch up and retry.
            next?.Release();
            LogInformationFenceConflict(operation, KeyHash, attempt);
            SetRecord(await store.ReadAsync(_key));
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
        if (Live(clock.GetUtcNow()) is { } record && record.Tags.Contains(tag, StringComparer.Ordinal))
        {
            return await DeleteAsync();
        }

        // The entry no longer carries the tag (overwritten, removed or expired): drop the stale registration.
        await tagIndex.RemoveAsync([tag], _key);
        return false;
    }

    private static bool NeedsRegistration(EntryRecord? stored, EntryRecord next) =>
        stored is null || stored.ExpiresAt != next.ExpiresAt || next.Tags.Any(tag => !stored.Tags.Contains(tag, StringComparer.Ordinal));

    /// <summary>
    /// After a durable write or delete: leaves the key index (on delete) and the tags the entry no longer carries, both
    /// at once. A failure only leaves a registration that costs a no-op at the next invalidation.
    /// </summary>
    private async Task UnregisterDroppedTagsAsync(EntryRecord? stored, EntryRecord? next)
    {
        if (stored is null)
        {
            return;
        }

        var dropped = DroppedTags(stored, next);
        var keyIndexRemoval = next is null ? Unregister(keyIndex, [IKeyIndex.PartitionOf(_key)]) : Task.CompletedTask;
        var tagRemoval = dropped.Length > 0 ? Unregister(tagIndex, dropped) : Task.CompletedTask;
        await Task.WhenAll(keyIndexRemoval, tagRemoval);
    }

    /// <summary>The tags <paramref name="stored"/> carries and <paramref name="next"/> (null: a removal) does not.</summary>
    private static string[] DroppedTags(EntryRecord? stored, EntryRecord? next) =>
        stored is null || stored.Tags.Length == 0 ? [] : next is null ? stored.Tags : [.. stored.Tags.Except(next.Tags, StringComparer.Ordinal)];

    private async Task Unregister(ITagIndex index, IReadOnlyCollection<string> names)
    {
        try
        {
            await index.RemoveAsync(names, _key);
        }
        catch (CacheStorageException ex)
        {
            LogWarningUnregisterFailed(ex, KeyHash);
        }
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

        DateTimeOffset? freshUntil, expiresAt;
        if (keepExpiry && current is not null)
        {
            (freshUntil, expiresAt) = (current.FreshUntil, current.ExpiresAt);
        }
        else
        {
            var ttl = entryOptions?.TimeToLive;
            var fresh = entryOptions?.FreshFor ?? ttl / 2;
            expiresAt = now + ttl;
            freshUntil = now + fresh;
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
            Tags = entryOptions?.Tags is { Count: > 0 } tags ? [.. tags.Distinct(StringComparer.Ordinal)] : keepExpiry && current is not null ? current.Tags : [],
            HttpPolicy = entryOptions?.HttpPolicy is { IsEmpty: false } policy ? policy : keepExpiry && entryOptions?.HttpPolicy is null ? current?.HttpPolicy : null,
        };
    }

    private void CheckValue(long size, string? contentType)
    {
        ThrowIfKeyInvalid("Set");
        if (size > _options.MaxValueBytes)
        {
            throw new CacheValueTooLargeException(size, _options.MaxValueBytes) { Key = CacheKey.Describe(_key), Operation = "Set" };
        }

        if (contentType is not null && (contentType.Length is 0 or > MaxContentTypeLength || contentType.Any(char.IsControl)))
        {
            throw new InvalidCacheRequestException($"The content type must be 1 to {MaxContentTypeLength} characters without control characters.")
            {
                Key = CacheKey.Describe(_key),
                Operation = "Set",
            };
        }
    }

    private void RequireKind(EntryRecord record, CacheEntryKind kind, string operation)
    {
        if (record.Kind != kind)
        {
            throw new CacheWrongTypeException($"{operation} needs a {kind.ToString().ToLowerInvariant()}, but the key holds a {record.Kind.ToString().ToLowerInvariant()}.")
            {
                Key = CacheKey.Describe(_key),
                Operation = operation,
            };
        }
    }

    private void ThrowIfKeyInvalid(string operation)
    {
        if (_keyError is { } error)
        {
            throw new InvalidCacheKeyException(error.Message) { Key = error.Key, Operation = operation };
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Loading entry {KeyHash} from the store failed.")]
    private partial void LogWarningLoadFailed(Exception exception, string keyHash);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "{Operation} on entry {KeyHash} was not acknowledged by the store.")]
    private partial void LogWarningWriteFailed(Exception exception, string operation, string keyHash);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "Dropping tag registrations of entry {KeyHash} failed; they are pruned at the next invalidation.")]
    private partial void LogWarningUnregisterFailed(Exception exception, string keyHash);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "{Operation} on entry {KeyHash} lost a version fence to another activation (attempt {Attempt}); reloading.")]
    private partial void LogInformationFenceConflict(string operation, string keyHash, int attempt);
}
