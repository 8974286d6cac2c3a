using CacheCluster.Resilience;
using Microsoft.Extensions.Logging;

namespace CacheCluster.Internal;

/// <summary>
/// GetOrSet over the entry grain's leases: hit, fill under a lease, or wait for someone else's fill.
/// </summary>
internal sealed partial class ClusterCache
{
    /// <summary>
    /// The longest single wait inside the grain; longer waits are several calls, each well under the response timeout.
    /// Also at most ClusterTimeout: a lookup's time budget is ClusterTimeout plus its wait, and a silo that does not
    /// answer must be found out soon.
    /// </summary>
    private static readonly TimeSpan MaxWaitPerCall = TimeSpan.FromSeconds(5);

    /// <summary>The pause before a lookup the cluster did not answer is asked again.</summary>
    private static readonly TimeSpan UnavailableRetryDelay = TimeSpan.FromMilliseconds(200);

    /// <summary>The options last given to GetOrSet, the defaults they were completed with, and the result.</summary>
    private Tuple<GetOrSetOptions, CacheEntryOptions?, GetOrSetOptions>? _lastPrepared;

    public async Task<T?> GetOrSetAsync<T>(string key, Func<CancellationToken, Task<T?>> factory, GetOrSetOptions? options = null, CancellationToken cancellationToken = default)
    {
        CacheKey.Validate(key, _options.MaxKeyBytes);
        ArgumentNullException.ThrowIfNull(factory);
        using var activity = CacheClusterTracing.Start(GetOrSetSpan, key);
        options = Prepare(options);

        if ((options.NearCacheRead ?? _options.NearCache.Enabled) && Near.TryGetCompleted(key, out var near))
        {
            _metrics.NearHit();
            activity?.Tag(CacheClusterTracing.Outcome, OutcomeHit);
            return Read<T>(near.Result, options);
        }

        var nearWrite = options.NearCacheWrite ?? _options.NearCache.Enabled;
        if (HasPendingWrite(key, out _))
        {
            // This client's write of the key has not reached the cluster: its answer cannot be trusted yet.
            activity?.Tag(CacheClusterTracing.Outcome, OutcomeFallback);
            return await FallbackAsync(key, factory, options, nearWrite, Refused(key, ClusterOperation.GetOrSet, "a write of this client to the key waits"), cancellationToken).ConfigureAwait(false);
        }

        try
        {
            return await GetOrSetJoinedAsync(key, factory, options, nearWrite, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsCacheFailure(ex) && !cancellationToken.IsCancellationRequested)
        {
            // The cache failed, not the factory: the application goes on, only slower.
            activity?.Tag(CacheClusterTracing.Outcome, OutcomeFallback);
            return await FallbackAsync(key, factory, options, nearWrite, ex, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The call's options checked and completed with the client's default entry options. The last options seen are
    /// remembered: a caller that passes one instance for every call (or none) pays for the check once, and its calls
    /// share one options instance, which an in-process join compares by reference.
    /// </summary>
    private GetOrSetOptions Prepare(GetOrSetOptions? options)
    {
        options ??= GetOrSetOptions.Default;
        var defaults = _options.DefaultEntryOptions;
        var last = Volatile.Read(ref _lastPrepared);
        if (last is not null && ReferenceEquals(last.Item1, options) && ReferenceEquals(last.Item2, defaults))
        {
            return last.Item3;
        }

        options.Validate();
        var prepared = options.Entry is null && defaults is not null ? options with { Entry = defaults } : options;
        Volatile.Write(ref _lastPrepared, Tuple.Create(options, defaults, prepared));
        return prepared;
    }

    private async Task<T?> GetOrSetFromClusterAsync<T>(
        string key,
        Func<CancellationToken, Task<T?>> factory,
        GetOrSetOptions options,
        bool nearWrite,
        long started,
        GetOrSetFlight<T>? flight,
        CancellationToken cancellationToken)
    {
        // With the near cache, the lookup itself is tracked: a hit (at once, or after a wait) is kept near from its
        // answer, with no read before the lookup and none after it.
        var near = nearWrite ? Near : null;
        if (near is not null)
        {
            _metrics.NearMiss();
        }

        var (value, filled) = await GetOrLeaseLoopAsync(key, factory, options, near, started, flight, cancellationToken).ConfigureAwait(false);
        if (filled && near is not null && !near.TryGetCompleted(key, out _))
        {
            // This caller's own fill: one tracked read keeps the stored value near (its waiters were answered tracked).
            await RememberTrackedAsync(key, options.NearCacheExpiration).ConfigureAwait(false);
        }

        return value;
    }

    private async Task<(T? Value, bool Filled)> GetOrLeaseLoopAsync<T>(
        string key,
        Func<CancellationToken, Task<T?>> factory,
        GetOrSetOptions options,
        NearCache.NearCache? near,
        long started,
        GetOrSetFlight<T>? flight,
        CancellationToken cancellationToken)
    {
        var maxWait = _options.ClusterTimeout < MaxWaitPerCall ? _options.ClusterTimeout : MaxWaitPerCall;
        var retry = false;
        while (true)
        {
            var left = options.WaitTimeout - _clock.GetElapsedTime(started);
            var wait = left <= TimeSpan.Zero ? TimeSpan.Zero : left < maxWait ? left : maxWait;
            var request = near is null ? options.LeaseRequest(wait) : options.LeaseRequest(wait) with { Tracker = near.Reference };
            var marker = near?.BeginRead(key);
            CacheLookup lookup;
            try
            {
                lookup = await CallAsync(key, ClusterOperation.GetOrSet, g => g.GetOrLeaseAsync(request), cancellationToken, extraWait: wait, retry: retry).ConfigureAwait(false);
            }
            catch (CacheClusterUnavailableException ex) when (ex.InnerException is not null
                && Resilience.Breaker.State == CircuitBreakerState.Closed && (monitor?.IsConnected ?? true)
                && _clock.GetElapsedTime(started) + UnavailableRetryDelay < options.WaitTimeout)
            {
                // The key's silo died while this caller waited (its call failed, or timed out: Orleans does not fail a
                // call whose silo died): a lease it held died with it. Ask again until the wait timeout (the key's next
                // activation hands the lease to a waiter, or the value): single flight holds across a silo's crash. A
                // cluster cut off or behind an open breaker, or a call refused without being sent, is not asked again:
                // GetOrSet falls back.
                retry = true;
                LogDebugLookupRetried(ex, CacheKey.Hash(key));
                await Task.Delay(UnavailableRetryDelay, _clock, cancellationToken).ConfigureAwait(false);
                continue;
            }

            switch (lookup.Outcome)
            {
                case CacheLookupOutcome.Hit when RemovedHere(key, lookup.Entry):
                    // A tag or pattern removal of this client still waits for the cluster, and covers this entry.
                    throw Refused(key, ClusterOperation.GetOrSet, "a removal of this client that covers the entry waits");

                case CacheLookupOutcome.Hit:
                    GetOrSetOutcome(lookup.Waited ? OutcomeWait : lookup.Lease is null ? OutcomeHit : OutcomeLease);
                    if (near is not null && lookup.Tracked)
                    {
                        KeepNear(near, key, marker!, new CacheTrackedRead(lookup.Entry!, Tracked: true), options.NearCacheExpiration);
                    }

                    if (lookup.Lease is { } refresh)
                    {
                        // Stale-while-revalidate: this caller alone refreshes, in the background; everyone gets the value now.
                        _ = RefreshInBackgroundAsync(key, refresh, lookup.Entry!, factory, options);
                    }

                    return (Read<T>(lookup.Entry!, options), false);

                case CacheLookupOutcome.LeaseGranted:
                    GetOrSetOutcome(OutcomeMiss);
                    flight?.HoldsLease(lookup.Entry);
                    return (await HoldLeaseAsync(key, lookup.Lease!.Value, lookup.Entry, factory, options, cancellationToken).ConfigureAwait(false), true);

                case CacheLookupOutcome.NoValue:
                    GetOrSetOutcome(OutcomeWait);
                    return (default, false);

                case CacheLookupOutcome.FillFailed:
                    GetOrSetOutcome(OutcomeWait);
                    throw new CacheFactoryException($"The value source failed for the caller holding the key's lease: {lookup.Error}")
                    {
                        Key = CacheKey.Describe(key),
                        Operation = "GetOrSet",
                    };

                case CacheLookupOutcome.WaitTimedOut when left <= TimeSpan.Zero:
                    GetOrSetOutcome(OutcomeWait);
                    if (options.FailSafe && lookup.Entry is { } stale)
                    {
                        _metrics.AnsweredStale();
                        return (Read<T>(stale, options), false);
                    }

                    throw new CacheLeaseWaitTimeoutException($"Another caller's fill did not arrive within {options.WaitTimeout.TotalSeconds:0.###} s.")
                    {
                        Key = CacheKey.Describe(key),
                        Operation = "GetOrSet",
                    };
            }
        }
    }

    private async Task<T?> HoldLeaseAsync<T>(
        string key,
        CacheLease lease,
        CacheReadResult? stale,
        Func<CancellationToken, Task<T?>> factory,
        GetOrSetOptions options,
        CancellationToken cancellationToken)
    {
        // The computation belongs to every caller of the key, not to this one: its cancellation only stops this wait.
        var computation = ComputeAsync(key, lease, stale, factory, options);
        _ = computation.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

        if (stale is not null && options.FactorySoftTimeout is { } soft)
        {
            using var softTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var first = await Task.WhenAny(computation, Task.Delay(soft, _clock, softTimeout.Token)).ConfigureAwait(false);
            await softTimeout.CancelAsync().ConfigureAwait(false);
            if (first != computation)
            {
                cancellationToken.ThrowIfCancellationRequested();

                // Soft timeout: answer with the stale value; the factory finishes and fills in the background.
                _metrics.AnsweredStale();
                return Read<T>(stale, options);
            }
        }

        return await computation.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task RefreshInBackgroundAsync<T>(string key, CacheLease lease, CacheReadResult current, Func<CancellationToken, Task<T?>> factory, GetOrSetOptions options)
    {
        try
        {
            await ComputeAsync(key, lease, current, factory, options with { FailSafe = true }).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is CacheClusterException or OperationCanceledException)
        {
            // ComputeAsync logged the cause and released the lease; a background refresh has no caller to tell.
            LogWarningBackgroundRefreshFailed(ex, CacheKey.Hash(key));
        }
    }

    /// <summary>Runs the factory under the lease with its hard timeout, then fills, or releases the lease with the reason.</summary>
    private async Task<T?> ComputeAsync<T>(string key, CacheLease lease, CacheReadResult? stale, Func<CancellationToken, Task<T?>> factory, GetOrSetOptions options)
    {
        var started = _clock.GetTimestamp();
        T? value;
        using (var hardTimeout = options.FactoryHardTimeout is { } limit ? new CancellationTokenSource(limit, _clock) : new CancellationTokenSource())
        {
            try
            {
                var run = factory(hardTimeout.Token);
                value = options.FactoryHardTimeout is { } wait
                    ? await run.WaitAsync(wait, _clock).ConfigureAwait(false)
                    : await run.ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                var timedOut = ex is TimeoutException || (ex is OperationCanceledException && hardTimeout.IsCancellationRequested);
                _metrics.FactoryRan(timedOut ? "timeout" : "error", _clock.GetElapsedTime(started));
                LogWarningFactoryFailed(ex, CacheKey.Hash(key), timedOut);
                var reason = timedOut ? $"The factory ran longer than its hard timeout of {options.FactoryHardTimeout!.Value.TotalSeconds:0.###} s." : $"{ex.GetType().Name}: {ex.Message}";
                await ReleaseQuietlyAsync(key, lease, CacheLeaseRelease.Failed, reason, options.FailSafeThrottle).ConfigureAwait(false);
                if (options.FailSafe && stale is not null)
                {
                    _metrics.AnsweredStale();
                    return Read<T>(stale, options);
                }

                throw timedOut
                    ? new CacheFactoryTimeoutException(reason) { Key = CacheKey.Describe(key), Operation = "GetOrSet" }
                    : new CacheFactoryException($"The factory failed: {reason}", ex) { Key = CacheKey.Describe(key), Operation = "GetOrSet" };
            }
        }

        var elapsed = _clock.GetElapsedTime(started);
        _metrics.FactoryRan(value is null ? "none" : "value", elapsed);
        if (value is null && !options.CacheNegativeResults)
        {
            await ReleaseQuietlyAsync(key, lease, CacheLeaseRelease.NoValue, error: null, failSafeThrottle: null).ConfigureAwait(false);
            return default;
        }

        CacheValue serialized;
        try
        {
            serialized = Serialize(value, options);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A value that cannot be stored (too large, not serializable) must not leave the waiters on a dead lease.
            await ReleaseQuietlyAsync(key, lease, CacheLeaseRelease.Failed, $"{ex.GetType().Name}: {ex.Message}", options.FailSafeThrottle).ConfigureAwait(false);
            throw;
        }

        var entryOptions = value is null ? options.NegativeEntryOptions : options.EntryOptions;

        try
        {
            var fill = await CallAsync(key, ClusterOperation.Fill, g => g.FillAsync(lease.Token, serialized, entryOptions), CancellationToken.None).ConfigureAwait(false);
            if (fill.Outcome == CacheWriteOutcome.LeaseVoided)
            {
                // The key changed while the factory ran: the value goes back to this caller but is not stored.
                LogDebugFillVoided(CacheKey.Hash(key));
            }
        }
        catch (Exception ex) when (IsCacheFailure(ex))
        {
            // The value could not be stored (Redis down, the silo gone): the caller still gets it; the silo hands it to
            // the waiters it could reach, and the lease is released (or times out) for the others.
            LogWarningFillNotStored(ex, CacheKey.Hash(key));
            await ReleaseQuietlyAsync(key, lease, CacheLeaseRelease.Failed, $"Storing the computed value failed: {ex.Message}", options.FailSafeThrottle).ConfigureAwait(false);
        }
        catch (CacheClusterException ex)
        {
            await ReleaseQuietlyAsync(key, lease, CacheLeaseRelease.Failed, $"Storing the computed value failed: {ex.Message}", options.FailSafeThrottle).ConfigureAwait(false);
            throw;
        }

        return value;
    }

    private async Task ReleaseQuietlyAsync(string key, CacheLease lease, CacheLeaseRelease release, string? error, TimeSpan? failSafeThrottle)
    {
        try
        {
            await CallAsync(
                key,
                ClusterOperation.ReleaseLease,
                async g =>
                {
                    await g.ReleaseLeaseAsync(lease.Token, release, error, failSafeThrottle).ConfigureAwait(false);
                    return true;
                },
                CancellationToken.None).ConfigureAwait(false);
        }
        catch (CacheClusterException ex)
        {
            // The lease times out by itself; say so rather than hide it.
            LogWarningReleaseFailed(ex, CacheKey.Hash(key), release);
        }
    }

    private T? Read<T>(CacheReadResult entry, GetOrSetOptions options) =>
        entry.Value is null || entry.Value.IsAbsent ? default : (options.Serializer ?? Serializer).Deserialize<T>(entry.Value);

    /// <summary>A value as stored: a negative result is the absent marker.</summary>
    private CacheValue Serialize<T>(T? value, GetOrSetOptions options) =>
        value is null ? new CacheValue([], CacheValue.AbsentContentType) : (options.Serializer ?? Serializer).Serialize(value);

    [LoggerMessage(EventId = 10, Level = LogLevel.Warning, Message = "The factory for key {KeyHash} failed (timed out: {TimedOut}); its lease is released as failed.")]
    private partial void LogWarningFactoryFailed(Exception exception, string keyHash, bool timedOut);

    [LoggerMessage(EventId = 11, Level = LogLevel.Warning, Message = "The background refresh of key {KeyHash} failed.")]
    private partial void LogWarningBackgroundRefreshFailed(Exception exception, string keyHash);

    [LoggerMessage(EventId = 12, Level = LogLevel.Warning, Message = "Releasing the lease on key {KeyHash} ({Release}) failed; it will time out instead.")]
    private partial void LogWarningReleaseFailed(Exception exception, string keyHash, CacheLeaseRelease release);

    [LoggerMessage(EventId = 14, Level = LogLevel.Debug, Message = "The cluster did not answer a lookup of key {KeyHash}; asking again within the wait timeout.")]
    private partial void LogDebugLookupRetried(Exception exception, string keyHash);

    [LoggerMessage(EventId = 16, Level = LogLevel.Warning, Message = "The value computed for key {KeyHash} could not be stored; the caller gets it all the same.")]
    private partial void LogWarningFillNotStored(Exception exception, string keyHash);

    [LoggerMessage(EventId = 13, Level = LogLevel.Debug, Message = "The fill of key {KeyHash} was rejected: its lease was voided by a change to the key.")]
    private partial void LogDebugFillVoided(string keyHash);
}
