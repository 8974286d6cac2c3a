using CacheCluster.Diagnostics;

namespace CacheCluster.Entries;

/// <summary>
/// Cluster-wide single flight: the key's one lease, waiters parked inside the grain, stale-while-revalidate,
/// eager refresh, fail-safe throttling and stale-set protection.
/// </summary>
internal sealed partial class CacheEntryGrain
{
    private const int MaxErrorLength = 1024;

    // The one outstanding lease for this key, fill or refresh; null when none.
    private CacheLease? _lease;

    // The rest of single flight's state, made on first use (see EntryWaitState):
    // - readers parked until the entry or the lease changes, ordered by when each must wake on its own (its wait or
    //   the lease ends). A change completes them all in the turn that made it: with the answer itself when the change
    //   left a fresh value (a fill), or with null to make each look again. One timer serves the earliest of them; its
    //   generation is bumped whenever it is re-armed or no longer needed, and a timer of an older one does nothing;
    // - after a failed refresh, no refresh lease is granted before RefreshThrottledUntil (fail-safe throttle);
    // - Failures and NoValues are bumped when a holder fails with no value to fall back on, or finds no value: they
    //   tell waiters what happened;
    // - HandOff: a fill whose value could not be stored (the store failed), handed to the callers parked on its lease
    //   when it failed, never to a later caller, and dropped by the next write. Bumping HandOffs marks its round.
    private EntryWaitState? _waitState;

    private EntryWaitState WaitState => _waitState ??= new();

    /// <summary>Gets a value indicating whether this activation has made its <see cref="EntryWaitState"/> (tests).</summary>
    internal bool HasWaitState => _waitState is not null;

    public Task<CacheLookup> GetOrLeaseAsync(CacheLeaseRequest request) =>
        CacheClusterTracing.Source.HasListeners() ? TracedGetOrLeaseAsync(request) : LookUpAsync(request);

    private async Task<CacheLookup> LookUpAsync(CacheLeaseRequest request)
    {
        ThrowIfKeyInvalid("GetOrLease");
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();

        var deadline = Clock.GetUtcNow() + request.Wait;
        var failures = _waitState?.Failures ?? 0;
        var noValues = _waitState?.NoValues ?? 0;
        var handOffs = _waitState?.HandOffs ?? 0;
        var waited = false;
        while (true)
        {
            var now = Clock.GetUtcNow();
            ExpireLease(now);
            var record = Live(now);
            CacheReadResult? stale = null;
            if (record is not null)
            {
                RequireKind(record, CacheEntryKind.Value, "GetOrLease");
                var state = record.StateAt(now);
                var throttled = _waitState is { } throttle && now < throttle.RefreshThrottledUntil;
                if (state == CacheEntryState.Fresh || request.AllowStale || throttled)
                {
                    // Fail-safe: while refreshes are throttled after a failure, the stale value is the answer.
                    var refresh = _lease is null && !throttled && (state == CacheEntryState.Stale || IsEagerRefreshDue(record, now, request.EagerRefreshThreshold))
                        ? Grant(CacheLeaseKind.Refresh, request, now)
                        : (CacheLease?)null;
                    Metrics.Hit(state);
                    return Track(request, new CacheLookup { Waited = waited, Outcome = CacheLookupOutcome.Hit, Entry = ReadResult(record, state), Lease = refresh });
                }

                stale = ReadResult(record, state);
            }

            // This caller waited on a fill that computed a value the store refused: the value, flagged as not stored.
            if (waited && _waitState is { } handOffState && handOffState.HandOffs != handOffs && handOffState.HandOff is { } handedOff)
            {
                return new CacheLookup { Waited = waited, Outcome = CacheLookupOutcome.Hit, Entry = handedOff, HandedOff = true };
            }

            if (waited && request.FillFailureMode == CacheFillFailureMode.WaitersFail && _waitState is { } failed && failed.Failures != failures)
            {
                return new CacheLookup { Waited = waited, Outcome = CacheLookupOutcome.FillFailed, Error = failed.LastFailure };
            }

            if (waited && (_waitState?.NoValues ?? 0) != noValues)
            {
                return new CacheLookup { Waited = waited, Outcome = CacheLookupOutcome.NoValue };
            }

            if (_lease is null)
            {
                if (!waited)
                {
                    Metrics.Miss();
                }

                var kind = record is null ? CacheLeaseKind.Fill : CacheLeaseKind.Refresh;
                return new CacheLookup { Waited = waited, Outcome = CacheLookupOutcome.LeaseGranted, Lease = Grant(kind, request, now), Entry = stale };
            }

            if (now >= deadline)
            {
                return new CacheLookup { Waited = waited, Outcome = CacheLookupOutcome.WaitTimedOut, Entry = stale };
            }

            if (!waited)
            {
                Metrics.Waited();
                CacheClusterEvents.Write(CacheClusterEvents.LeaseWaiting, _key);
                waited = true;
            }

            // Park until the entry or lease changes, the lease times out, or this call's wait ends.
            var until = _lease.Value.ExpiresAt < deadline ? _lease.Value.ExpiresAt : deadline;
            CacheLookup? answer;
            WaitState.Waiting++;
            try
            {
                answer = await Park(until, now);
            }
            finally
            {
                WaitState.Waiting--;
            }

            // A fill (or any write) left a fresh value: its one answer serves every parked reader, no second look.
            if (answer is not null && request.EagerRefreshThreshold is null)
            {
                Metrics.Hit(CacheEntryState.Fresh);
                return Track(request, answer);
            }
        }
    }

    public Task<CacheWriteResult> FillAsync(long leaseToken, CacheValue value, CacheEntryOptions? options)
    {
        ArgumentNullException.ThrowIfNull(value);
        CheckValue(value.Data.Length, value.ContentType);
        options?.Validate();
        if (_lease?.Token != leaseToken || leaseToken == 0)
        {
            // Stale-set protection: the key was deleted, overwritten or invalidated since the lease was granted.
            Metrics.LeaseVoided();
            return Task.FromResult(new CacheWriteResult(CacheWriteOutcome.LeaseVoided, _record?.Version ?? 0));
        }

        return FillOrHandOffAsync(leaseToken, value, options);
    }

    /// <summary>
    /// Stores the fill; when the store fails, hands the value to the callers parked on the lease (they get it, flagged as
    /// not stored), ends the lease, and rethrows the storage error to the filler.
    /// </summary>
    private async Task<CacheWriteResult> FillOrHandOffAsync(long leaseToken, CacheValue value, CacheEntryOptions? options)
    {
        EntryRecord? computed = null;
        try
        {
            return await WriteAsync(
                "Fill",
                (current, now) =>
                {
                    if (_lease?.Token != leaseToken)
                    {
                        // Voided between tries (the store changed under the lease): nothing is stored.
                        return (current, new CacheWriteResult(CacheWriteOutcome.LeaseVoided, current?.Version ?? 0));
                    }

                    computed = NewRecord(current, now, CacheEntryKind.Value, value.Data, list: null, value.ContentType, options, keepExpiry: false);
                    return (computed, new CacheWriteResult(current is null ? CacheWriteOutcome.Created : CacheWriteOutcome.Replaced, computed.Version));
                },
                leaseToken,
                options?.Durability);
        }
        catch (CacheStorageException) when (computed is not null && _lease?.Token == leaseToken)
        {
            HandOff(computed);
            throw;
        }
    }

    private void HandOff(EntryRecord computed)
    {
        // Version 0: no stored entry has it, so nobody can take the value for one (nor make a conditional write on it).
        WaitState.HandOff = ReadResult(computed, CacheEntryState.Fresh) with { Version = 0 };
        WaitState.HandOffs++;
        _lease = null;
        CacheClusterEvents.Write(CacheClusterEvents.FillHandedOff, _key);
        SignalChanged();
    }

    public Task ReleaseLeaseAsync(long leaseToken, CacheLeaseRelease release, string? error, TimeSpan? failSafeThrottle)
    {
        ThrowIfKeyInvalid("ReleaseLease");
        if (failSafeThrottle is { } throttle && (throttle < TimeSpan.Zero || throttle > CacheEntryOptions.MaxTimeToLive))
        {
            throw new InvalidCacheOptionsException($"The fail-safe throttle must be between 0 and {CacheEntryOptions.MaxTimeToLive.TotalDays:0} days (was {throttle}).");
        }

        if (_lease?.Token != leaseToken || leaseToken == 0)
        {
            return Task.CompletedTask;
        }

        _lease = null;
        var now = Clock.GetUtcNow();
        switch (release)
        {
            case CacheLeaseRelease.Failed when Live(now) is not null:
                WaitState.RefreshThrottledUntil = now + (failSafeThrottle ?? CacheLeaseRequest.DefaultFailSafeThrottle);
                Metrics.FailSafeActivated();
                break;
            case CacheLeaseRelease.Failed:
                WaitState.Failures++;
                WaitState.LastFailure = error is { Length: > MaxErrorLength } ? error[..MaxErrorLength] : error ?? "The value source failed.";
                break;
            case CacheLeaseRelease.NoValue:
                WaitState.NoValues++;
                break;
        }

        CacheClusterEvents.Write(CacheClusterEvents.LeaseReleased, _key);
        SignalChanged();
        return Task.CompletedTask;
    }

    /// <summary>After any acknowledged write: a fill completes its own lease; any other write voids the lease out.</summary>
    private void OnEntryWritten(long fillToken)
    {
        if (_lease is { } lease)
        {
            if (lease.Token != fillToken)
            {
                Metrics.LeaseVoided();
            }

            _lease = null;
        }

        if (fillToken != 0)
        {
            _waitState?.RefreshThrottledUntil = default;
            CacheClusterEvents.Write(CacheClusterEvents.LeaseFilled, _key);
        }

        SignalChanged();
    }

    private CacheLease Grant(CacheLeaseKind kind, CacheLeaseRequest request, DateTimeOffset now)
    {
        long token;
        do
        {
            token = Random.Shared.NextInt64();
        }
        while (token == 0);

        var lease = new CacheLease { Token = token, Kind = kind, ExpiresAt = now + (request.LeaseTimeout ?? CacheLeaseRequest.DefaultLeaseTimeout) };
        _lease = lease;
        Metrics.LeaseGranted(kind);
        CacheClusterEvents.Write(CacheClusterEvents.LeaseGranted, _key);
        return lease;
    }

    private void ExpireLease(DateTimeOffset now)
    {
        if (_lease is { } lease && lease.ExpiresAt <= now)
        {
            // The holder went away or is too slow: the lease passes to the next caller.
            _lease = null;
            Metrics.LeaseExpired();
        }
    }

    private static bool IsEagerRefreshDue(EntryRecord record, DateTimeOffset now, double? threshold) =>
        threshold is { } fraction
        && record.FreshUntil is { } freshUntil
        && now >= record.LastModified + ((freshUntil - record.LastModified) * fraction);

    /// <summary>Registers the reader's near cache for a hit, as a tracked read does (<see cref="GetTrackedAsync"/>).</summary>
    private CacheLookup Track(CacheLeaseRequest request, CacheLookup hit)
    {
        if (request.Tracker is not { } tracker)
        {
            return hit;
        }

        var trackers = _trackers ??= [];
        var id = tracker.GetGrainId();
        if (trackers.Count >= MaxTrackers && !trackers.ContainsKey(id))
        {
            return hit;
        }

        trackers[id] = tracker;
        return hit with { Tracked = true };
    }

    /// <summary>
    /// Wakes every parked reader in this turn: with the hit they all get when the entry now holds a fresh value (a
    /// fill), else with null, so that each looks again (a release, a removal, a voided lease).
    /// </summary>
    private void SignalChanged()
    {
        if (_waitState?.Parked is not { Count: > 0 } parked)
        {
            return;
        }

        _waitState.Parked = null;
        DisarmWakeUp();
        var now = Clock.GetUtcNow();
        var answer = _lease is null && Live(now) is { Kind: CacheEntryKind.Value } record && record.StateAt(now) == CacheEntryState.Fresh
            ? new CacheLookup { Waited = true, Outcome = CacheLookupOutcome.Hit, Entry = ReadResult(record, CacheEntryState.Fresh) }
            : null;
        if (answer is null)
        {
            // Each reader looks again, and may take a lease: not inside the turn of the change, whose caller may still
            // act on the lease after this (a delete voids it), but in the next one.
            _ = WakeAllAsync(parked);
            return;
        }

        // Each reader just returns the answer: inline, in this turn.
        while (parked.TryDequeue(out var reader, out _))
        {
            reader.TrySetResult(answer);
        }
    }

    private static async Task WakeAllAsync(PriorityQueue<TaskCompletionSource<CacheLookup?>, DateTimeOffset> parked)
    {
        await Task.Yield();
        while (parked.TryDequeue(out var reader, out _))
        {
            reader.TrySetResult(null);
        }
    }

    /// <summary>Parks a reader until a change, or until <paramref name="until"/>, when it looks again by itself.</summary>
    private Task<CacheLookup?> Park(DateTimeOffset until, DateTimeOffset now)
    {
        // Continuations run inline, in the turn that completes them: the grain answers all its readers at once.
        var reader = new TaskCompletionSource<CacheLookup?>();
        (WaitState.Parked ??= new()).Enqueue(reader, until);
        if (until < WaitState.WakeAt)
        {
            ArmWakeUp(until, now);
        }

        return reader.Task;
    }

    private void ArmWakeUp(DateTimeOffset at, DateTimeOffset now)
    {
        DisarmWakeUp();
        WaitState.WakeAt = at;
        _ = WakeUpAsync(at - now, WaitState.WakeGeneration);
    }

    private void DisarmWakeUp()
    {
        // No state yet: no timer was ever armed.
        if (_waitState is { } state)
        {
            state.WakeAt = DateTimeOffset.MaxValue;
            state.WakeGeneration++;
        }
    }

    /// <summary>The one timer of the parked readers: wakes those whose time has come, then waits for the next one's.</summary>
    private async Task WakeUpAsync(TimeSpan delay, long generation)
    {
        await Task.Delay(delay, Clock);
        if (_waitState is not { } state || generation != state.WakeGeneration)
        {
            return;
        }

        DisarmWakeUp();
        var now = Clock.GetUtcNow();
        while (state.Parked is { } parked && parked.TryPeek(out var reader, out var until) && until <= now)
        {
            parked.Dequeue();
            reader.TrySetResult(null);
        }

        if (state.Parked is { } rest && rest.TryPeek(out _, out var next))
        {
            ArmWakeUp(next, now);
        }
    }
}
