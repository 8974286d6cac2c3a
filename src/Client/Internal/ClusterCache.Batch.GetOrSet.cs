using System.Runtime.ExceptionServices;
using CacheCluster.Resilience;
using Microsoft.Extensions.Logging;

namespace CacheCluster.Internal;

/// <summary>
/// GetOrSet over many keys: each round is one batch lookup of the keys still open; the leases it grants go to one
/// factory call and one batch fill; the keys another caller holds are looked up again (waiting inside their grains) in
/// the next round. The first round never waits, so two callers holding parts of each other's keys never wait on each
/// other: each computes its own first.
/// </summary>
internal sealed partial class ClusterCache
{
    public async Task<IReadOnlyDictionary<string, T?>> GetOrSetManyAsync<T>(IEnumerable<string> keys, Func<IReadOnlyList<string>, CancellationToken, Task<IReadOnlyDictionary<string, T>>> factory, GetOrSetOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(factory);
        var distinct = keys.Distinct(StringComparer.Ordinal).ToArray();
        ValidateKeys(distinct);
        options ??= GetOrSetOptions.Default;
        options.Validate();
        if (options.Entry is null && _options.DefaultEntryOptions is { } defaults)
        {
            options = options with { Entry = defaults };
        }

        var results = new Dictionary<string, T?>(distinct.Length, StringComparer.Ordinal);
        if (!options.UsesLease)
        {
            // The per-call switches (no cluster read, write or factory) keep their single-key meaning, key by key.
            foreach (var key in distinct)
            {
                results[key] = await GetOrSetAsync(key, ct => OneAsync(factory, key, ct), options, cancellationToken).ConfigureAwait(false);
            }

            return results;
        }

        var nearRead = options.NearCacheRead ?? _options.NearCache.Enabled;
        var nearWrite = options.NearCacheWrite ?? _options.NearCache.Enabled;
        var open = new List<string>(distinct.Length);
        var fallback = new List<string>();
        foreach (var key in distinct)
        {
            if (nearRead && Near.TryGetCompleted(key, out var near))
            {
                _metrics.NearHit();
                results[key] = Read<T>(near.Result, options);
            }
            else if (HasPendingWrite(key, out _))
            {
                fallback.Add(key);
            }
            else
            {
                open.Add(key);
            }
        }

        Exception? cause = fallback.Count > 0 ? Refused(fallback[0], ClusterOperation.GetOrSetMany, "a write of this client to the key waits") : null;
        var filled = new List<string>(open.Count);
        try
        {
            await LeaseRoundsAsync(open, factory, options, results, filled, fallback, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsCacheFailure(ex) && !cancellationToken.IsCancellationRequested)
        {
            // The cache failed, not the factory: the keys not answered yet are computed here.
            cause = ex;
            fallback.AddRange(open.Where(key => !results.ContainsKey(key)));
        }

        if (fallback.Count > 0)
        {
            await FallbackManyAsync([.. fallback.Distinct(StringComparer.Ordinal)], factory, options, results, cause!, cancellationToken).ConfigureAwait(false);
        }

        if (nearWrite && filled.Count > 0)
        {
            await RememberManyAsync(filled, options.NearCacheExpiration).ConfigureAwait(false);
        }

        return results;
    }

    private async Task LeaseRoundsAsync<T>(List<string> open, Func<IReadOnlyList<string>, CancellationToken, Task<IReadOnlyDictionary<string, T>>> factory, GetOrSetOptions options, Dictionary<string, T?> results, List<string> filled, List<string> fallback, CancellationToken cancellationToken)
    {
        var started = _clock.GetTimestamp();
        var maxWait = _options.ClusterTimeout < MaxWaitPerCall ? _options.ClusterTimeout : MaxWaitPerCall;
        var keys = open.ToArray();
        var first = true;
        while (keys.Length > 0)
        {
            var left = options.WaitTimeout - _clock.GetElapsedTime(started);
            var wait = first || left <= TimeSpan.Zero ? TimeSpan.Zero : left < maxWait ? left : maxWait;
            var request = options.LeaseRequest(wait);
            var asked = keys;
            var answers = await BatchAsync(asked, ClusterOperation.GetOrSetMany, (batch, range) => batch.GetOrLeaseManyAsync(asked[range], request), cancellationToken, extraWait: wait).ConfigureAwait(false);
            var granted = new List<(string Key, CacheLease Lease, CacheReadResult? Stale)>();
            var waiting = new List<string>();
            for (var i = 0; i < asked.Length; i++)
            {
                var key = asked[i];
                if (answers[i].Error is { } error)
                {
                    var keyError = KeyError(error, key, ClusterOperation.GetOrSetMany);
                    if (IsCacheFailure(keyError))
                    {
                        fallback.Add(key);
                        continue;
                    }

                    ExceptionDispatchInfo.Throw(keyError);
                }

                var lookup = answers[i].Result!;
                switch (lookup.Outcome)
                {
                    case CacheLookupOutcome.Hit when RemovedHere(key, lookup.Entry):
                        fallback.Add(key);
                        break;

                    case CacheLookupOutcome.Hit:
                        if (lookup.Lease is { } refresh)
                        {
                            _ = RefreshInBackgroundAsync(key, refresh, lookup.Entry!, ct => OneAsync(factory, key, ct), options);
                        }

                        results[key] = Read<T>(lookup.Entry!, options);
                        filled.Add(key);
                        break;

                    case CacheLookupOutcome.LeaseGranted:
                        granted.Add((key, lookup.Lease!.Value, lookup.Entry));
                        break;

                    case CacheLookupOutcome.NoValue:
                        results[key] = default;
                        break;

                    case CacheLookupOutcome.FillFailed:
                        throw new CacheFactoryException($"The value source failed for the caller holding the key's lease: {lookup.Error}") { Key = CacheKey.Describe(key), Operation = "GetOrSetMany" };

                    case CacheLookupOutcome.WaitTimedOut when !first && left <= TimeSpan.Zero:
                        if (options.FailSafe && lookup.Entry is { } stale)
                        {
                            _metrics.AnsweredStale();
                            results[key] = Read<T>(stale, options);
                            break;
                        }

                        throw new CacheLeaseWaitTimeoutException($"Another caller's fill did not arrive within {options.WaitTimeout.TotalSeconds:0.###} s.") { Key = CacheKey.Describe(key), Operation = "GetOrSetMany" };

                    default:
                        waiting.Add(key);
                        break;
                }
            }

            if (granted.Count > 0)
            {
                await ComputeManyAsync(granted, factory, options, results).ConfigureAwait(false);
                filled.AddRange(granted.Select(g => g.Key));
            }

            keys = [.. waiting];
            first = false;
        }
    }

    /// <summary>One factory call for every key this caller holds the lease of, then one batch fill (or release).</summary>
    private async Task ComputeManyAsync<T>(List<(string Key, CacheLease Lease, CacheReadResult? Stale)> granted, Func<IReadOnlyList<string>, CancellationToken, Task<IReadOnlyDictionary<string, T>>> factory, GetOrSetOptions options, Dictionary<string, T?> results)
    {
        var keys = granted.Select(g => g.Key).ToArray();
        var started = _clock.GetTimestamp();
        IReadOnlyDictionary<string, T> values;
        using (var hardTimeout = options.FactoryHardTimeout is { } limit ? new CancellationTokenSource(limit, _clock) : new CancellationTokenSource())
        {
            try
            {
                var run = factory(keys, hardTimeout.Token);
                values = options.FactoryHardTimeout is { } wait ? await run.WaitAsync(wait, _clock).ConfigureAwait(false) : await run.ConfigureAwait(false);
                ArgumentNullException.ThrowIfNull(values, nameof(factory));
            }
            catch (Exception ex)
            {
                var timedOut = ex is TimeoutException || (ex is OperationCanceledException && hardTimeout.IsCancellationRequested);
                _metrics.FactoryRan(timedOut ? "timeout" : "error", _clock.GetElapsedTime(started));
                LogWarningBatchFactoryFailed(ex, keys.Length, timedOut);
                var reason = timedOut ? $"The factory ran longer than its hard timeout of {options.FactoryHardTimeout!.Value.TotalSeconds:0.###} s." : $"{ex.GetType().Name}: {ex.Message}";
                await ReleaseManyQuietlyAsync([.. granted.Select(g => (g.Key, g.Lease))], CacheLeaseRelease.Failed, reason, options.FailSafeThrottle).ConfigureAwait(false);
                if (options.FailSafe && granted.All(g => g.Stale is not null))
                {
                    _metrics.AnsweredStale();
                    foreach (var (key, _, stale) in granted)
                    {
                        results[key] = Read<T>(stale!, options);
                    }

                    return;
                }

                throw timedOut
                    ? new CacheFactoryTimeoutException(reason) { Key = CacheKey.Describe(keys[0]), Operation = "GetOrSetMany" }
                    : new CacheFactoryException($"The factory failed: {reason}", ex) { Key = CacheKey.Describe(keys[0]), Operation = "GetOrSetMany" };
            }
        }

        _metrics.FactoryRan("value", _clock.GetElapsedTime(started));
        var fills = new List<CacheBatchWrite>(granted.Count);
        var noValue = new List<(string Key, CacheLease Lease)>();
        foreach (var (key, lease, _) in granted)
        {
            values.TryGetValue(key, out var value);
            results[key] = value;
            if (value is null && !options.CacheNegativeResults)
            {
                noValue.Add((key, lease));
                continue;
            }

            // A value that cannot be stored fails its own key: its lease is released, the caller still gets the value.
            CacheValue serialized;
            try
            {
                serialized = Serialize(value, options);
            }
            catch (CacheClusterException ex)
            {
                LogWarningFillNotStored(ex, CacheKey.Hash(key));
                await ReleaseManyQuietlyAsync([(key, lease)], CacheLeaseRelease.Failed, $"{ex.GetType().Name}: {ex.Message}", options.FailSafeThrottle).ConfigureAwait(false);
                continue;
            }

            fills.Add(new CacheBatchWrite(key, serialized, value is null ? options.NegativeEntryOptions : options.EntryOptions, lease.Token));
        }

        if (noValue.Count > 0)
        {
            await ReleaseManyQuietlyAsync(noValue, CacheLeaseRelease.NoValue, error: null, failSafeThrottle: null).ConfigureAwait(false);
        }

        if (fills.Count > 0)
        {
            await FillManyAsync([.. fills], options).ConfigureAwait(false);
        }
    }

    private async Task FillManyAsync(CacheBatchWrite[] fills, GetOrSetOptions options)
    {
        CacheBatchAnswer<CacheWriteResult>[] answers;
        try
        {
            answers = await BatchAsync([.. fills.Select(f => f.Key)], ClusterOperation.Fill, (batch, range) => batch.SetManyAsync(fills[range]), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsCacheFailure(ex))
        {
            // The callers get their values; the waiters' leases are released (or time out).
            LogWarningFillNotStored(ex, CacheKey.Hash(fills[0].Key));
            await ReleaseManyQuietlyAsync([.. fills.Select(f => (f.Key, new CacheLease { Token = f.LeaseToken }))], CacheLeaseRelease.Failed, $"Storing the computed value failed: {ex.Message}", options.FailSafeThrottle).ConfigureAwait(false);
            return;
        }

        var failed = new List<(string Key, CacheLease Lease)>();
        for (var i = 0; i < fills.Length; i++)
        {
            if (answers[i].Error is { } error)
            {
                LogWarningFillNotStored(error, CacheKey.Hash(fills[i].Key));
                failed.Add((fills[i].Key, new CacheLease { Token = fills[i].LeaseToken }));
            }
            else if (answers[i].Result!.Outcome == CacheWriteOutcome.LeaseVoided)
            {
                LogDebugFillVoided(CacheKey.Hash(fills[i].Key));
            }
        }

        if (failed.Count > 0)
        {
            await ReleaseManyQuietlyAsync(failed, CacheLeaseRelease.Failed, "Storing the computed value failed.", options.FailSafeThrottle).ConfigureAwait(false);
        }
    }

    private async Task ReleaseManyQuietlyAsync(IReadOnlyList<(string Key, CacheLease Lease)> leases, CacheLeaseRelease release, string? error, TimeSpan? failSafeThrottle)
    {
        var keys = leases.Select(l => l.Key).ToArray();
        var tokens = leases.Select(l => l.Lease.Token).ToArray();
        try
        {
            await BatchAsync(keys, ClusterOperation.ReleaseLease, (batch, range) => batch.ReleaseManyAsync(keys[range], tokens[range], release, error, failSafeThrottle), CancellationToken.None).ConfigureAwait(false);
        }
        catch (CacheClusterException ex)
        {
            // The leases time out by themselves; say so rather than hide it.
            LogWarningReleaseFailed(ex, CacheKey.Hash(keys[0]), release);
        }
    }

    /// <summary>The keys the cluster could not answer: near copies (fail-safe), then one factory call here for the rest.</summary>
    private async Task FallbackManyAsync<T>(IReadOnlyList<string> keys, Func<IReadOnlyList<string>, CancellationToken, Task<IReadOnlyDictionary<string, T>>> factory, GetOrSetOptions options, Dictionary<string, T?> results, Exception cause, CancellationToken cancellationToken)
    {
        var compute = new List<string>(keys.Count);
        foreach (var key in keys)
        {
            if (_near is { } near && (options.NearCacheRead ?? _options.NearCache.Enabled) && near.TryGetFailSafe(key, out var copy) && copy.Value is not null)
            {
                _metrics.Fallback("near");
                results[key] = Read<T>(copy, options);
            }
            else
            {
                compute.Add(key);
            }
        }

        if (compute.Count == 0)
        {
            return;
        }

        if (!options.RunFactory)
        {
            _metrics.Fallback("miss");
            compute.ForEach(key => results[key] = default);
            return;
        }

        _metrics.Fallback("factory");
        LogDebugFallback(cause, CacheKey.Hash(compute[0]), "factory in this process");
        var values = await RunFactoryAloneAsync<IReadOnlyDictionary<string, T>>(compute[0], async ct => await factory(compute, ct).ConfigureAwait(false), options, cancellationToken).ConfigureAwait(false);
        foreach (var key in compute)
        {
            results[key] = values is not null && values.TryGetValue(key, out var value) ? value : default;
        }
    }

    /// <summary>One tracked batch read puts the keys just obtained in the near cache. Best effort.</summary>
    private async Task RememberManyAsync(List<string> keys, TimeSpan? bound)
    {
        try
        {
            await ReadManyAsync(keys, useNear: true, bound, CancellationToken.None).ConfigureAwait(false);
        }
        catch (CacheClusterException ex)
        {
            LogDebugNearRememberFailed(ex, CacheKey.Hash(keys[0]));
        }
    }

    private static async Task<T?> OneAsync<T>(Func<IReadOnlyList<string>, CancellationToken, Task<IReadOnlyDictionary<string, T>>> factory, string key, CancellationToken cancellationToken)
    {
        var values = await factory([key], cancellationToken).ConfigureAwait(false);
        return values is not null && values.TryGetValue(key, out var value) ? value : default;
    }

    [LoggerMessage(EventId = 17, Level = LogLevel.Warning, Message = "The factory for {Count} keys failed (timed out: {TimedOut}); their leases are released as failed.")]
    private partial void LogWarningBatchFactoryFailed(Exception exception, int count, bool timedOut);
}
