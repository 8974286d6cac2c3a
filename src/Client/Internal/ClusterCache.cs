using System.Diagnostics.Metrics;
using CacheCluster.Hosting;
using CacheCluster.NearCache;
using CacheCluster.Resilience;
using CacheCluster.Serialization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CacheCluster.Internal;

/// <summary>The <see cref="IClusterCache"/> over an Orleans cluster client.</summary>
internal sealed partial class ClusterCache(
    IClusterClient client,
    IOptions<CacheClusterClientOptions> options,
    [FromKeyedServices(CacheClusterClock.ServiceKey)] TimeProvider? clock = null,
    ILogger<ClusterCache>? logger = null,
    IMeterFactory? meterFactory = null,
    ClusterConnectionMonitor? monitor = null,
    NearCacheDeparture? departure = null) : IClusterCache
{
    private readonly CacheClusterClientOptions _options = options.Value;
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private readonly ILogger _logger = logger ?? NullLogger<ClusterCache>.Instance;
    private readonly ClientMetrics _metrics = new(meterFactory);
    private NearCache.NearCache? _near;
    private int _nearSubscribed;

    private ICacheSerializer Serializer => _options.Serializer;

    public Task<CacheResult<T>> TryGetAsync<T>(string key, CancellationToken cancellationToken = default) =>
        TryGetAsync<T>(key, null, cancellationToken);

    public async Task<CacheResult<T>> TryGetAsync<T>(string key, CacheReadOptions? readOptions, CancellationToken cancellationToken = default)
    {
        var read = await TryGetBytesAsync(key, readOptions, cancellationToken).ConfigureAwait(false);
        return Typed<T>(read);
    }

    /// <summary>A read's value deserialized, with its metadata; no value is <see langword="default"/>.</summary>
    private CacheResult<T> Typed<T>(CacheReadResult read) =>
        read.Value is null || read.Value.IsAbsent
            ? default
            : new CacheResult<T>
            {
                State = read.State,
                Value = Serializer.Deserialize<T>(read.Value),
                Version = read.Version,
                LastModified = read.LastModified,
                FreshUntil = read.FreshUntil,
                ExpiresAt = read.ExpiresAt,
            };

    public Task<CacheReadResult> TryGetBytesAsync(string key, CancellationToken cancellationToken = default) =>
        TryGetBytesAsync(key, null, cancellationToken);

    public Task<CacheReadResult> TryGetBytesAsync(string key, CacheReadOptions? readOptions, CancellationToken cancellationToken = default)
    {
        CacheKey.Validate(key, _options.MaxKeyBytes);
        if (!(readOptions?.UseNearCache ?? _options.NearCache.Enabled))
        {
            return ReadAsync(key, near: null, cancellationToken);
        }

        var near = Near;
        if (near.TryGetCompleted(key, out var hit))
        {
            _metrics.NearHit();
            using var activity = CacheClusterTracing.Start(GetSpan, key);
            activity?.Tag(CacheClusterTracing.Outcome, OutcomeHit);
            activity?.Tag("cachecluster.near", true);
            return hit;
        }

        return ReadAsync(key, near, cancellationToken);
    }

    /// <summary>
    /// A read of the cluster (tracked by <paramref name="near"/> when given; coalesced with this client's other reads
    /// under <see cref="CacheClusterClientOptions.ReadCoalescing"/>), with the read failure mode: a cluster that
    /// cannot answer is a miss by default. A key this client removed while the cluster was away reads as missing.
    /// </summary>
    private async Task<CacheReadResult> ReadAsync(string key, NearCache.NearCache? near, CancellationToken cancellationToken)
    {
        using var activity = CacheClusterTracing.Start(GetSpan, key);
        try
        {
            if (HasPendingWrite(key, out var pending))
            {
                if (pending?.Kind == QueuedWriteKind.Remove)
                {
                    return CacheReadResult.Missing;
                }

                throw Refused(key, ClusterOperation.Get, "a write of this client that the cluster has not taken yet waits");
            }

            var read = _options.ReadCoalescing
                ? await ReadCoalescedAsync(key, near, cancellationToken).ConfigureAwait(false)
                : near is null
                    ? await CallAsync(key, ClusterOperation.Get, static g => g.GetAsync(), cancellationToken).ConfigureAwait(false)
                    : await ReadTrackedAsync(key, bound: null, cancellationToken).ConfigureAwait(false);
            read = RemovedHere(key, read) ? CacheReadResult.Missing : read;
            ReadOutcome(activity, read);
            return read;
        }
        catch (Exception ex) when (IsCacheFailure(ex) && _options.Resilience.ReadFailureMode == CacheReadFailureMode.Miss && !cancellationToken.IsCancellationRequested)
        {
            activity?.Tag(CacheClusterTracing.Outcome, OutcomeFallback);
            _metrics.Fallback("miss");
            LogDebugFallback(ex, CacheKey.Hash(key), "miss");
            return CacheReadResult.Missing;
        }
    }

    /// <summary>Gets the near cache if it was created (for tests).</summary>
    internal ref NearCache.NearCache? NearField => ref _near;

    /// <summary>Gets the near cache, created (and subscribed to the invalidation stream, for gaps) on first use.</summary>
    internal NearCache.NearCache Near
    {
        get
        {
            var near = LazyInitializer.EnsureInitialized(ref _near, () => new NearCache.NearCache(_options.NearCache, _clock, client, monitor, _options.Resilience.FailSafeMaxDuration, departure));
            if (Volatile.Read(ref _nearSubscribed) == 0 && Interlocked.Exchange(ref _nearSubscribed, 1) == 0)
            {
                _ = SubscribeNearCacheAsync(near);
            }

            return near;
        }
    }

    /// <summary>
    /// The near cache also hears the invalidation stream: events and direct invalidations by tag or pattern, and a flush
    /// whenever notices may have been missed. Per-key tracking works without it, so a failure here is logged.
    /// </summary>
    private async Task SubscribeNearCacheAsync(NearCache.NearCache near)
    {
        try
        {
            await SubscribeAsync(near).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is CacheClusterException || ClusterErrors.IsUnavailable(ex))
        {
            Volatile.Write(ref _nearSubscribed, 0);
            LogWarningNearSubscribeFailed(ex);
        }
    }

    [LoggerMessage(21, LogLevel.Warning, "The near cache could not subscribe to the invalidation stream; it will try again on its next use")]
    private partial void LogWarningNearSubscribeFailed(Exception exception);

    public Task<CacheWriteResult> SetAsync<T>(string key, T value, CacheEntryOptions? options = null, CacheWriteCondition condition = default, CancellationToken cancellationToken = default)
    {
        CacheKey.Validate(key, _options.MaxKeyBytes);
        return SetBytesAsync(key, Serializer.Serialize(value), options, condition, cancellationToken);
    }

    public async Task<CacheWriteResult> SetBytesAsync(string key, CacheValue value, CacheEntryOptions? options = null, CacheWriteCondition condition = default, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(value);
        var entryOptions = options ?? _options.DefaultEntryOptions;
        entryOptions?.Validate();
        using var activity = CacheClusterTracing.Start(SetSpan, key);
        CacheWriteResult result;
        try
        {
            result = await CallAsync(key, ClusterOperation.Set, g => g.SetAsync(value, entryOptions, condition), cancellationToken).ConfigureAwait(false);
        }
        catch (CacheClusterUnavailableException ex) when (condition.Mode == CacheWriteMode.Always && _options.Resilience.SetFailureMode == CacheWriteFailureMode.Queue)
        {
            // Only an unconditional write can be applied later as it was meant; NX, XX and compare-and-set throw.
            var write = new QueuedWrite(QueuedWriteKind.Set, WriteQueue.Target(key), key, ct => CallAsync(key, ClusterOperation.Set, g => g.SetAsync(value, entryOptions, condition), ct, queued: true));
            if (!Enqueue(write, ex))
            {
                throw;
            }

            activity?.Tag(CacheClusterTracing.Outcome, "queued");
            return new CacheWriteResult(CacheWriteOutcome.Queued, 0);
        }

        activity?.Tag(CacheClusterTracing.Outcome, result.Outcome.ToString());
        if (condition.Mode == CacheWriteMode.IfVersion && !result.Written)
        {
            throw new CacheVersionConflictException(condition.ExpectedVersion, result.Version) { Key = CacheKey.Describe(key), Operation = "Set" };
        }

        return result;
    }

    public async Task<bool> RemoveAsync(string key, CancellationToken cancellationToken = default)
    {
        using var activity = CacheClusterTracing.Start(RemoveSpan, key);
        try
        {
            return await CallAsync(key, ClusterOperation.Delete, static g => g.DeleteAsync(), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsCacheFailure(ex))
        {
            // Never lost: kept and applied when the cluster is back; until then this client serves no copy of the key.
            var write = new QueuedWrite(QueuedWriteKind.Remove, WriteQueue.Target(key), key, ct => CallAsync(key, ClusterOperation.Delete, static g => g.DeleteAsync(), ct, queued: true));
            if (Enqueue(write, ex) && _options.Resilience.RemoveFailureMode == CacheWriteFailureMode.Queue)
            {
                return false;
            }

            throw Kept(ex, key, ClusterOperation.Delete);
        }
    }

    /// <summary>The failure of a remove or invalidation that was kept for later, saying so.</summary>
    private static CacheClusterException Kept(Exception cause, string target, ClusterOperation operation) =>
        cause is CacheStorageException
            ? new CacheStorageException($"{cause.Message} The {operation.Name} is kept and applied when the cluster can store it.", cause) { Key = CacheKey.Describe(target), Operation = operation.Name }
            : new CacheClusterUnavailableException($"{cause.Message} The {operation.Name} is kept and applied when the cluster is back.", cause) { Key = CacheKey.Describe(target), Operation = operation.Name };

    public async Task<long> RemoveByTagAsync(string tag, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tag);
        try
        {
            return await InvalidateAsync(tag, ClusterOperation.RemoveByTag, [], [tag], [], allowAll: false, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsCacheFailure(ex))
        {
            var write = new QueuedWrite(QueuedWriteKind.RemoveTag, "t\0" + tag, key: null, ct => InvalidateAsync(tag, ClusterOperation.RemoveByTag, [], [tag], [], allowAll: false, ct)) { Tag = tag };
            return KeepInvalidation(ex, write, tag, ClusterOperation.RemoveByTag);
        }
        finally
        {
            _near?.RemoveTag(tag);
        }
    }

    public async Task<long> RemoveByPatternAsync(string pattern, bool allowAll = false, CancellationToken cancellationToken = default)
    {
        // The silo checks the pattern's rules; the near cache only needs it to match its own entries.
        var parsed = CacheKeyPattern.Parse(pattern);
        try
        {
            return await InvalidateAsync(pattern, ClusterOperation.RemoveByPattern, [], [], [pattern], allowAll, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsCacheFailure(ex))
        {
            var write = new QueuedWrite(QueuedWriteKind.RemovePattern, "p\0" + pattern, key: null, ct => InvalidateAsync(pattern, ClusterOperation.RemoveByPattern, [], [], [pattern], allowAll, ct)) { Pattern = parsed };
            return KeepInvalidation(ex, write, pattern, ClusterOperation.RemoveByPattern);
        }
        finally
        {
            _near?.RemovePattern(parsed);
        }
    }

    /// <summary>Keeps an invalidation the cluster did not take (never lost); 0 removed so far, or the failure, by the remove failure mode.</summary>
    private long KeepInvalidation(Exception cause, QueuedWrite write, string described, ClusterOperation operation)
    {
        if (Enqueue(write, cause) && _options.Resilience.RemoveFailureMode == CacheWriteFailureMode.Queue)
        {
            return 0;
        }

        throw Kept(cause, described, operation);
    }

    public async Task<bool> ExistsAsync(string key, CancellationToken cancellationToken = default)
    {
        try
        {
            if (HasPendingWrite(key, out var pending))
            {
                return pending?.Kind == QueuedWriteKind.Remove
                    ? false
                    : throw Refused(key, ClusterOperation.Exists, "a write of this client that the cluster has not taken yet waits");
            }

            return await CallAsync(key, ClusterOperation.Exists, static g => g.ExistsAsync(), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsCacheFailure(ex) && _options.Resilience.ReadFailureMode == CacheReadFailureMode.Miss && !cancellationToken.IsCancellationRequested)
        {
            _metrics.Fallback("miss");
            LogDebugFallback(ex, CacheKey.Hash(key), "miss");
            return false;
        }
    }

    public async Task<long> IncrementAsync(string key, long by = 1, CacheEntryOptions? options = null, CancellationToken cancellationToken = default)
    {
        var entryOptions = options ?? _options.DefaultEntryOptions;
        entryOptions?.Validate();
        using var activity = CacheClusterTracing.Start(IncrementSpan, key);
        var result = await CallAsync(key, ClusterOperation.Increment, g => g.IncrementAsync(by, entryOptions), cancellationToken).ConfigureAwait(false);
        return result.Value;
    }

    public Task<CacheTimeToLive> GetTimeToLiveAsync(string key, CancellationToken cancellationToken = default) =>
        CallAsync(key, ClusterOperation.TimeToLive, static g => g.GetTimeToLiveAsync(), cancellationToken);

    public Task<CacheEntryInfo?> GetInfoAsync(string key, CancellationToken cancellationToken = default) =>
        CallAsync(key, ClusterOperation.Info, static g => g.GetInfoAsync(), cancellationToken);

    public async Task<long> ListPushAsync<T>(string key, ListEnd end, IEnumerable<T> values, CacheEntryOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var serialized = values.Select(Serializer.Serialize).ToArray();
        if (serialized.Length == 0)
        {
            throw new InvalidCacheRequestException("A push needs at least one value.") { Key = CacheKey.Describe(key), Operation = "ListPush" };
        }

        var entryOptions = options ?? _options.DefaultEntryOptions;
        entryOptions?.Validate();
        var result = await CallAsync(key, ClusterOperation.ListPush, g => g.ListPushAsync(end, serialized, entryOptions), cancellationToken).ConfigureAwait(false);
        return result.Value;
    }

    public async Task<IReadOnlyList<T>> ListRangeAsync<T>(string key, long start = 0, long stop = -1, CancellationToken cancellationToken = default)
    {
        var values = await CallAsync(key, ClusterOperation.ListRange, g => g.ListRangeAsync(start, stop), cancellationToken).ConfigureAwait(false);
        return [.. values.Select(Serializer.Deserialize<T>)];
    }

    public Task<long> ListLengthAsync(string key, CancellationToken cancellationToken = default) =>
        CallAsync(key, ClusterOperation.ListLength, static g => g.ListLengthAsync(), cancellationToken);

    public async Task<long> ListRemoveAsync<T>(string key, T value, long count = 0, CancellationToken cancellationToken = default)
    {
        var serialized = Serializer.Serialize(value);
        var result = await CallAsync(key, ClusterOperation.ListRemove, g => g.ListRemoveAsync(serialized, count), cancellationToken).ConfigureAwait(false);
        return result.Value;
    }

    public async Task<long> ListTrimAsync(string key, long start, long stop, CancellationToken cancellationToken = default)
    {
        var result = await CallAsync(key, ClusterOperation.ListTrim, g => g.ListTrimAsync(start, stop), cancellationToken).ConfigureAwait(false);
        return result.Value;
    }

    private async Task<T> CallAsync<T>(string key, ClusterOperation operation, Func<ICacheEntryGrain, Task<T>> call, CancellationToken cancellationToken, TimeSpan extraWait = default, bool retry = false, bool queued = false)
    {
        CacheKey.Validate(key, _options.MaxKeyBytes);
        cancellationToken.ThrowIfCancellationRequested();

        // Read-your-writes: this client's own change drops its near copy (and any read in flight) before and after,
        // whether or not the call goes out.
        var near = operation.ChangesValue ? _near : null;
        near?.Invalidate(key);
        var keys = Resilience.Keys;
        try
        {
            if (!retry && keys.IsOpen(key))
            {
                throw Refused(key, operation, $"the key's last call timed out; it is not called again for {_options.Resilience.BreakerDuration.TotalSeconds:0.###} s");
            }

            // An Orleans client that has not connected yet cannot even make a grain reference.
            monitor?.ThrowIfNotConnected(key, operation);
            if (!queued && operation.IsWrite && HasPendingWrite(key, out var pending))
            {
                // A write of this client to the key still waits: it goes first, so that this one lands after it.
                await pending!.ApplyOnceAsync().ConfigureAwait(false);
                Resilience.Queue.Complete(pending);
            }

            var grain = EntryGrainReferences.Get(client, key);
            return await SendAsync(key, operation, call, grain, extraWait, cancellationToken, keys).ConfigureAwait(false);
        }
        finally
        {
            near?.Invalidate(key);
        }
    }
}
