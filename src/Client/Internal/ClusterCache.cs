using System.Diagnostics.Metrics;
using CacheCluster.Hosting;
using CacheCluster.NearCache;
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
    ClusterConnectionMonitor? monitor = null) : IClusterCache
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
        return read.Value is null || read.Value.IsAbsent
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
    }

    public Task<CacheReadResult> TryGetBytesAsync(string key, CancellationToken cancellationToken = default) =>
        TryGetBytesAsync(key, null, cancellationToken);

    public Task<CacheReadResult> TryGetBytesAsync(string key, CacheReadOptions? readOptions, CancellationToken cancellationToken = default)
    {
        if (!(readOptions?.UseNearCache ?? _options.NearCache.Enabled))
        {
            return CallAsync(key, ClusterOperation.Get, static g => g.GetAsync(), cancellationToken);
        }

        CacheKey.Validate(key, _options.MaxKeyBytes);
        var near = Near;
        if (near.TryGetCompleted(key, out var hit))
        {
            _metrics.NearHit();
            return hit;
        }

        return ReadThroughAsync(near, key, cancellationToken);
    }

    private async Task<CacheReadResult> ReadThroughAsync(NearCache.NearCache near, string key, CancellationToken cancellationToken)
    {
        _metrics.NearMiss();
        var marker = near.BeginRead(key);
        var read = await CallAsync(key, ClusterOperation.Get, g => g.GetTrackedAsync(near.Reference), cancellationToken).ConfigureAwait(false);
        near.Complete(key, marker, read);
        return read.Result;
    }

    /// <summary>Gets the near cache if it was created (for tests).</summary>
    internal ref NearCache.NearCache? NearField => ref _near;

    /// <summary>Gets the near cache, created (and subscribed to the invalidation stream, for gaps) on first use.</summary>
    internal NearCache.NearCache Near
    {
        get
        {
            var near = LazyInitializer.EnsureInitialized(ref _near, () => new NearCache.NearCache(_options.NearCache, _clock, client, monitor));
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
        var result = await CallAsync(key, ClusterOperation.Set, g => g.SetAsync(value, entryOptions, condition), cancellationToken).ConfigureAwait(false);
        if (condition.Mode == CacheWriteMode.IfVersion && !result.Written)
        {
            throw new CacheVersionConflictException(condition.ExpectedVersion, result.Version) { Key = CacheKey.Describe(key), Operation = "Set" };
        }

        return result;
    }

    public Task<bool> RemoveAsync(string key, CancellationToken cancellationToken = default) =>
        CallAsync(key, ClusterOperation.Delete, static g => g.DeleteAsync(), cancellationToken);

    public async Task<long> RemoveByTagAsync(string tag, CancellationToken cancellationToken = default)
    {
        var removed = await InvalidateAsync(tag, ClusterOperation.RemoveByTag, [], [tag], [], allowAll: false, cancellationToken).ConfigureAwait(false);
        _near?.RemoveTag(tag);
        return removed;
    }

    public async Task<long> RemoveByPatternAsync(string pattern, bool allowAll = false, CancellationToken cancellationToken = default)
    {
        var removed = await InvalidateAsync(pattern, ClusterOperation.RemoveByPattern, [], [], [pattern], allowAll, cancellationToken).ConfigureAwait(false);

        // The silo checked the pattern; the near cache only needs it to match its own entries.
        _near?.RemovePattern(CacheKeyPattern.Parse(pattern));
        return removed;
    }

    public Task<bool> ExistsAsync(string key, CancellationToken cancellationToken = default) =>
        CallAsync(key, ClusterOperation.Exists, static g => g.ExistsAsync(), cancellationToken);

    public async Task<long> IncrementAsync(string key, long by = 1, CacheEntryOptions? options = null, CancellationToken cancellationToken = default)
    {
        var entryOptions = options ?? _options.DefaultEntryOptions;
        entryOptions?.Validate();
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

    private async Task<T> CallAsync<T>(string key, ClusterOperation operation, Func<ICacheEntryGrain, Task<T>> call, CancellationToken cancellationToken)
    {
        CacheKey.Validate(key, _options.MaxKeyBytes);
        cancellationToken.ThrowIfCancellationRequested();
        monitor?.ThrowIfNotConnected(key, operation);

        // Read-your-writes: this client's own change drops its near copy (and any read in flight) before and after.
        var near = operation.ChangesValue ? _near : null;
        near?.Invalidate(key);
        try
        {
            var grain = client.GetGrain<ICacheEntryGrain>(key);
            return await RejectedCalls.RetryAsync(() => call(grain).WaitAsync(cancellationToken), _clock, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ClusterErrors.IsUnavailable(ex))
        {
            throw ClusterErrors.Unavailable(ex, key, operation);
        }
        finally
        {
            near?.Invalidate(key);
        }
    }
}
