using CacheCluster.Diagnostics;
using CacheCluster.Expiry;
using CacheCluster.Eviction;
using CacheCluster.Hosting;
using CacheCluster.Invalidation;
using CacheCluster.Operations;
using CacheCluster.Storage;
using Microsoft.Extensions.Logging;

namespace CacheCluster.Entries;

/// <summary>
/// The grain for one key. It keeps the key's record in memory, reads expiry from the cache clock on every call, and
/// writes through to the entry store before it acknowledges a write, unless the write is write-behind (see <c>.Writes</c>).
/// </summary>
/// <remarks>
/// One concern per file: this one holds the activation's lifecycle and record; <c>.Reads</c>, <c>.Writes</c> (the
/// fenced write loop), <c>.Lists</c>, <c>.Leases</c>, <c>.Tracking</c> and <c>.Residency</c> (expiry and eviction)
/// hold the rest.
/// </remarks>
internal sealed partial class CacheEntryGrain(EntryGrainServices services, ILogger<CacheEntryGrain> logger)
    : Grain, ICacheEntryGrain, IExpiringActivation, IResidentActivation
{
    // Memory per active entry: the silo-wide services sit behind one reference (EntryGrainServices), not one field
    // each. The partials read them through these accessors.
    private TimeProvider Clock => services.Clock;

    private IEntryStore Store => services.Store;

    private ITagIndex TagIndex => services.TagIndex;

    private EntryExpiryScheduler ExpiryScheduler => services.ExpiryScheduler;

    private ActiveEntryTable ActiveEntries => services.ActiveEntries;

    private CacheClusterMetrics Metrics => services.Metrics;

    private SiloOperations Operations => services.Operations;

    private WriteBehindQueue WriteBehind => services.WriteBehind;

    private EntryReadView ReadView => services.ReadView;

    private CacheClusterOptions Options => services.Options;

    // The record as last stored (possibly past its hard expiry): its version is the fence for the next write.
    // Volatile because the expiry scheduler reads it off the grain's scheduler.
    private volatile EntryRecord? _record;
    private long _lastVersion;
    private string _key = string.Empty;
    private InvalidCacheKeyException? _keyError;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _key = this.GetPrimaryKeyString();
        var now = Clock.GetUtcNow();
        _lastUsed = Recency.StampOf(now);
        _lastCallTicks = now.UtcTicks;
        try
        {
            CacheKey.Validate(_key, Options.MaxKeyBytes);
        }
        catch (InvalidCacheKeyException ex)
        {
            // Reject every call instead of failing activation, so callers get the typed error.
            _keyError = ex;
            ActiveEntries.Add(this);
            return;
        }

        try
        {
            SetRecord(await Store.ReadAsync(_key, cancellationToken));
            ActiveEntries.Add(this);

            // Loaded: plain reads of this key on this silo may now be answered from the record (see EntryReadView).
            JoinView();
        }
        catch (CacheStorageException ex)
        {
            LogWarningLoadFailed(ex, KeyHash);

            // The Redis exception stays in the silo's log: callers get a serializable error without it.
            throw new CacheStorageException(ex.Message) { Key = CacheKey.Describe(_key), Operation = "Load" };
        }
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // First: from here on reads take the grain call, and wait for (or are sent on to) the next activation.
        LeaveView();

        // Write-behind changes go to the store before the activation does: the next one loads what this one acknowledged.
        await DrainWriteBehindAsync();

        // Trackers are not kept across activations: tell them now, so no near copy outlives what this grain knows.
        NotifyTrackers();
        ActiveEntries.Remove(this);
        ForgetAddress();
        // The record stays in the embedded store, evictable now.
        _record?.Release();

        _record = null;
        if (_expiryTicket is not null)
        {
            ExpiryScheduler.Release(_expiryTicket);
        }
    }

    private string KeyHash => CacheKey.Hash(_key);

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
            ExpiryScheduler.Schedule(_expiryTicket ??= new ExpiryTicket(this), expiresAt);
        }
    }

    private void CheckValue(long size, string? contentType)
    {
        ThrowIfKeyInvalid("Set");
        if (size > Options.MaxValueBytes)
        {
            throw new CacheValueTooLargeException(size, Options.MaxValueBytes) { Key = CacheKey.Describe(_key), Operation = "Set" };
        }

        try
        {
            CacheKey.ValidateContentType(contentType);
        }
        catch (InvalidCacheRequestException ex)
        {
            throw new InvalidCacheRequestException(ex.Message) { Key = CacheKey.Describe(_key), Operation = "Set" };
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

    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "Loading entry {KeyHash} from the store failed.")]
    private partial void LogWarningLoadFailed(Exception exception, string keyHash);
}
