using Microsoft.Extensions.Logging;

namespace CacheCluster.Internal;

/// <summary>
/// GetOrSet's near-cache reads and writes, and the calls that take no lease: the cluster is not read, not written, or
/// the factory may not run (the per-call switches of <see cref="GetOrSetOptions"/>).
/// </summary>
internal sealed partial class ClusterCache
{
    /// <summary>Reads the key registering this client's near cache with the entry, and keeps a fresh answer near.</summary>
    private async Task<CacheReadResult> ReadTrackedAsync(string key, TimeSpan? bound, CancellationToken cancellationToken)
    {
        var near = Near;
        _metrics.NearMiss();
        var marker = near.BeginRead(key);
        var read = await CallAsync(key, ClusterOperation.Get, g => g.GetTrackedAsync(near.Reference), cancellationToken).ConfigureAwait(false);
        KeepNear(near, key, marker, read, bound);
        return read.Result;
    }

    /// <summary>Keeps a tracked answer near, unless the key changed since <paramref name="marker"/> was taken.</summary>
    private void KeepNear(NearCache.NearCache near, string key, object marker, CacheTrackedRead read, TimeSpan? bound)
    {
        if (_resilience is { Queue.Count: > 0 })
        {
            // Writes of this client still wait for the cluster: nothing new is kept near until they are applied.
            near.Invalidate(key);
        }
        else
        {
            near.Complete(key, marker, read, bound);
        }
    }

    /// <summary>
    /// After GetOrSet obtained a value through a lease (its own fill or one it waited for), one tracked read puts the
    /// stored value in the near cache. Best effort: the caller already has its value.
    /// </summary>
    private async Task RememberTrackedAsync(string key, TimeSpan? bound)
    {
        try
        {
            await ReadTrackedAsync(key, bound, CancellationToken.None).ConfigureAwait(false);
        }
        catch (CacheClusterException ex)
        {
            LogDebugNearRememberFailed(ex, CacheKey.Hash(key));
        }
    }

    private async Task<T?> GetOrSetWithoutLeaseAsync<T>(
        string key,
        Func<CancellationToken, Task<T?>> factory,
        GetOrSetOptions options,
        bool nearWrite,
        CancellationToken cancellationToken)
    {
        if (options.ClusterRead)
        {
            var read = nearWrite
                ? await ReadTrackedAsync(key, options.NearCacheExpiration, cancellationToken).ConfigureAwait(false)
                : await CallAsync(key, ClusterOperation.Get, static g => g.GetAsync(), cancellationToken).ConfigureAwait(false);
            if (read.Value is not null && (read.State == CacheEntryState.Fresh || (read.State == CacheEntryState.Stale && options.AllowStale)) && !RemovedHere(key, read))
            {
                GetOrSetOutcome(OutcomeHit);
                return Read<T>(read, options);
            }
        }

        if (!options.RunFactory)
        {
            return default;
        }

        GetOrSetOutcome(OutcomeMiss);
        var value = await RunFactoryAloneAsync(key, factory, options, cancellationToken).ConfigureAwait(false);
        if (value is null && !options.CacheNegativeResults)
        {
            return default;
        }

        var serialized = Serialize(value, options);
        var entryOptions = value is null ? options.NegativeEntryOptions : options.EntryOptions;
        if (options.ClusterWrite)
        {
            try
            {
                await CallAsync(key, ClusterOperation.Set, g => g.SetAsync(serialized, entryOptions, default), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsCacheFailure(ex))
            {
                // The factory's value is the caller's answer whether or not the cluster stored it.
                LogWarningFillNotStored(ex, CacheKey.Hash(key));
                return value;
            }

            if (nearWrite)
            {
                await RememberTrackedAsync(key, options.NearCacheExpiration).ConfigureAwait(false);
            }
        }
        else if (nearWrite)
        {
            var bound = options.NearCacheExpiration;
            if (entryOptions.TimeToLive is { } ttl && (bound is null || ttl < bound))
            {
                bound = ttl;
            }

            Near.KeepLocal(key, serialized, entryOptions.Tags, bound);
        }

        return value;
    }

    /// <summary>Runs the factory for this caller alone (no lease), with the hard timeout, failing as a leased run does.</summary>
    private async Task<T?> RunFactoryAloneAsync<T>(string key, Func<CancellationToken, Task<T?>> factory, GetOrSetOptions options, CancellationToken cancellationToken)
    {
        var started = _clock.GetTimestamp();
        using var hardTimeout = options.FactoryHardTimeout is { } limit ? new CancellationTokenSource(limit, _clock) : new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, hardTimeout.Token);
        try
        {
            var run = factory(linked.Token);
            var value = options.FactoryHardTimeout is { } wait
                ? await run.WaitAsync(wait, _clock, cancellationToken).ConfigureAwait(false)
                : await run.WaitAsync(cancellationToken).ConfigureAwait(false);
            _metrics.FactoryRan(value is null ? "none" : "value", _clock.GetElapsedTime(started));
            return value;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            var timedOut = ex is TimeoutException || (ex is OperationCanceledException && hardTimeout.IsCancellationRequested);
            _metrics.FactoryRan(timedOut ? "timeout" : "error", _clock.GetElapsedTime(started));
            LogWarningFactoryFailed(ex, CacheKey.Hash(key), timedOut);
            var reason = timedOut ? $"The factory ran longer than its hard timeout of {options.FactoryHardTimeout!.Value.TotalSeconds:0.###} s." : $"{ex.GetType().Name}: {ex.Message}";
            throw timedOut
                ? new CacheFactoryTimeoutException(reason) { Key = CacheKey.Describe(key), Operation = "GetOrSet" }
                : new CacheFactoryException($"The factory failed: {reason}", ex) { Key = CacheKey.Describe(key), Operation = "GetOrSet" };
        }
    }

    [LoggerMessage(EventId = 15, Level = LogLevel.Debug, Message = "The tracked read that keeps key {KeyHash} near after GetOrSet failed; the next call reads the cluster.")]
    private partial void LogDebugNearRememberFailed(Exception exception, string keyHash);
}
