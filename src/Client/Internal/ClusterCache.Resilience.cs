using CacheCluster.Resilience;
using Microsoft.Extensions.Logging;

namespace CacheCluster.Internal;

/// <summary>
/// Every call to the cluster goes through here: the connection and the circuit breaker are asked first (an open
/// breaker answers at once, no call is sent), each call has the soft <see cref="Hosting.CacheClusterClientOptions.ClusterTimeout"/>,
/// and the outcome is counted. Writes the cluster did not take are queued and applied when it is back.
/// </summary>
internal sealed partial class ClusterCache
{
    /// <summary>How often the queue is tried again while writes wait and the cluster still fails them.</summary>
    private static readonly TimeSpan DrainRetryDelay = TimeSpan.FromMilliseconds(500);

    private readonly Lock _drainLock = new();
    private ResilienceState? _resilience;
    private Task? _drain;
    private TaskCompletionSource _drainKick = NewKick();

    /// <summary>Gets the breaker, the write queue and the local single flights, wired to the connection on first use.</summary>
    internal ResilienceState Resilience => Volatile.Read(ref _resilience) ?? CreateResilience();

    private ResilienceState CreateResilience()
    {
        var options = _options.Resilience;
        var state = new ResilienceState(
            new CircuitBreaker(options.BreakerThreshold, options.BreakerDuration, _clock),
            new KeyCircuits(options.BreakerDuration, _clock),
            new WriteQueue(options.MaxQueuedWrites),
            new LocalFlights());
        if (Interlocked.CompareExchange(ref _resilience, state, null) is { } raced)
        {
            return raced;
        }

        state.Breaker.Opened += OnBreakerOpened;
        state.Breaker.Closed += OnClusterBack;
        if (monitor is not null)
        {
            monitor.Recovered += OnReconnected;
        }

        _metrics.ObserveResilience(state);
        return state;
    }

    private void OnBreakerOpened()
    {
        // Change notices from the silos this client cannot reach may be lost: near copies are fail-safe only from now.
        _near?.Demote();
        LogWarningBreakerOpened(_options.Resilience.BreakerThreshold, _options.Resilience.BreakerDuration.TotalSeconds);
    }

    private void OnReconnected()
    {
        Resilience.Breaker.OnReconnected();
        OnClusterBack();
    }

    private void OnClusterBack()
    {
        LogInformationClusterBack(Resilience.Queue.Count);
        StartDrain();
    }

    /// <summary>
    /// Sends one call: refused at once (no call sent) while the client has no gateway or the breaker is open;
    /// otherwise given <c>ClusterTimeout</c> (plus <paramref name="extraWait"/>, a lookup's own wait) to answer.
    /// </summary>
    private Task<T> SendAsync<T>(string target, ClusterOperation operation, Func<Task<T>> call, TimeSpan extraWait, CancellationToken cancellationToken, KeyCircuits? keyed = null) =>
        SendAsync(target, operation, static call => call(), call, extraWait, cancellationToken, keyed);

    /// <summary>
    /// <see cref="SendAsync{T}(string, ClusterOperation, Func{Task{T}}, TimeSpan, CancellationToken, KeyCircuits?)"/> with
    /// the call's state passed along (a grain reference), so that a call allocates no closure. The first attempt runs
    /// inline; only a call the runtime refused goes through <see cref="RejectedCalls"/>.
    /// </summary>
    private async Task<T> SendAsync<TState, T>(string target, ClusterOperation operation, Func<TState, Task<T>> call, TState state, TimeSpan extraWait, CancellationToken cancellationToken, KeyCircuits? keyed = null)
    {
        var breaker = Resilience.Breaker;
        if (!(monitor?.IsConnected ?? true))
        {
            throw Refused(target, operation, "the client has no connection to a gateway");
        }

        if (!breaker.TryEnter(out var probe))
        {
            throw Refused(target, operation, "the circuit breaker is open after consecutive failures");
        }

        var timeout = _options.ClusterTimeout + extraWait;
        var sentAt = _clock.GetTimestamp();
        try
        {
            T result;
            try
            {
                result = await call(state).WaitAsync(timeout, _clock, cancellationToken).ConfigureAwait(false);
            }
            catch (OrleansMessageRejectionException) when (!cancellationToken.IsCancellationRequested)
            {
                result = await RetryRejectedAsync(call, state, timeout, cancellationToken).ConfigureAwait(false);
            }

            breaker.OnSuccess();
            keyed?.Close(target);
            return result;
        }
        catch (TimeoutException ex) when (!cancellationToken.IsCancellationRequested)
        {
            breaker.OnFailure();
            keyed?.Open(target, sentAt);
            throw new CacheClusterUnavailableException($"The cluster did not answer {operation.Name} within {timeout.TotalSeconds:0.###} s (ClusterTimeout).{(operation.IsWrite ? " The outcome is unknown." : string.Empty)}", ex)
            {
                Key = CacheKey.Describe(target),
                Operation = operation.Name,
            };
        }
        catch (Exception ex) when (ClusterErrors.IsUnavailable(ex))
        {
            // A timeout says the cluster is slow or cut off: it counts. A silo lost or a call refused undelivered is one
            // silo's trouble (its keys move to the others within seconds), not the cluster's: it does not open the
            // breaker for every key. Losing every gateway shows in the connection state instead.
            if (ex is TimeoutException)
            {
                breaker.OnFailure();
                keyed?.Open(target, sentAt);
            }
            else
            {
                breaker.OnAbandoned(probe);
            }

            throw ClusterErrors.Unavailable(ex, target, operation);
        }
        catch (OperationCanceledException)
        {
            breaker.OnAbandoned(probe);
            throw;
        }
        catch (Exception)
        {
            // The cluster answered, with an error of the call's own.
            breaker.OnSuccess();
            throw;
        }
    }

    /// <summary>The attempts after a first one the runtime refused (<see cref="RejectedCalls"/>).</summary>
    private Task<T> RetryRejectedAsync<TState, T>(Func<TState, Task<T>> call, TState state, TimeSpan timeout, CancellationToken cancellationToken) =>
        RejectedCalls.RetryAfterRejectionAsync(() => call(state).WaitAsync(timeout, _clock, cancellationToken), _clock, cancellationToken);

    private static CacheClusterUnavailableException Refused(string target, ClusterOperation operation, string reason) =>
        new($"The cluster was not called for {operation.Name}: {reason}.")
        {
            Key = CacheKey.Describe(target),
            Operation = operation.Name,
        };

    /// <summary>Whether a failed call leaves the cache unusable for this call (so the fallbacks answer).</summary>
    private static bool IsCacheFailure(Exception exception) => exception is CacheClusterUnavailableException or CacheStorageException;

    /// <summary>
    /// Keeps a write the cluster did not take. Removes and invalidations are always kept (never lost); the caller is
    /// told unless its failure mode queues. A remove that finds the queue full of removes cannot be kept: the near
    /// cache is then flushed, so that at least this client serves no copy that should be gone.
    /// </summary>
    private bool Enqueue(QueuedWrite write, Exception cause)
    {
        var queue = Resilience.Queue;
        if (!queue.TryAdd(write, out var dropped))
        {
            _near?.Flush();
            LogErrorQueueFull(cause, write.Target.Replace('\0', ':'), _options.Resilience.MaxQueuedWrites);
            return false;
        }

        if (dropped is not null)
        {
            _metrics.QueuedSetDropped();
            LogWarningQueuedSetDropped(CacheKey.Hash(dropped.Key!), _options.Resilience.MaxQueuedWrites);
        }

        _metrics.Fallback("queued");
        LogDebugWriteQueued(cause, write.Kind, write.Target.Replace('\0', ':'));
        StartDrain();
        return true;
    }

    /// <summary>
    /// Starts applying the queue in the background, once: until it is empty, trying again every half second, and at
    /// once when the cluster is back (a drain already waiting is woken).
    /// </summary>
    private void StartDrain()
    {
        if (_resilience is not { } state || state.Queue.Count == 0)
        {
            return;
        }

        lock (_drainLock)
        {
            if (_drain is null || _drain.IsCompleted)
            {
                _drain = Task.Run(DrainAsync);
            }
            else
            {
                _drainKick.TrySetResult();
            }
        }
    }

    private static TaskCompletionSource NewKick() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private async Task DrainAsync()
    {
        var queue = Resilience.Queue;
        while (queue.Count > 0)
        {
            // Taken before the round: a "cluster back" that arrives during it ends the pause after it.
            Task kick;
            lock (_drainLock)
            {
                if (_drainKick.Task.IsCompleted)
                {
                    _drainKick = NewKick();
                }

                kick = _drainKick.Task;
            }

            var failed = false;
            foreach (var write in queue.Snapshot())
            {
                try
                {
                    await write.ApplyOnceAsync().ConfigureAwait(false);
                    queue.Complete(write);
                    _metrics.QueuedWriteApplied();
                }
                catch (Exception ex) when (IsCacheFailure(ex))
                {
                    failed = true;
                    break;
                }
                catch (CacheClusterException ex)
                {
                    // The cluster refuses it for good (invalid, conflicting): applying it again cannot succeed.
                    queue.Complete(write);
                    LogWarningQueuedWriteRefused(ex, write.Kind, write.Target.Replace('\0', ':'));
                }
            }

            if (failed)
            {
                using var delay = new CancellationTokenSource();
                await Task.WhenAny(Task.Delay(DrainRetryDelay, _clock, delay.Token), kick).ConfigureAwait(false);
                await delay.CancelAsync().ConfigureAwait(false);
            }
        }

        LogInformationQueueApplied();
    }

    /// <summary>Whether a read of <paramref name="key"/> must not trust the cluster's answer yet: a write of this client to it still waits.</summary>
    private bool HasPendingWrite(string key, out QueuedWrite? write)
    {
        write = null;
        return _resilience is { } state && state.Queue.TryGetPending(key, out write);
    }

    /// <summary>Whether an entry the cluster returned is one a tag or pattern removal of this client, still waiting, removes.</summary>
    private bool RemovedHere(string key, CacheReadResult? entry) =>
        entry?.Value is not null && _resilience is { } state && state.Queue.Covers(key, entry.Tags);

    /// <summary>The breaker, the write queue and the local single flights of one client.</summary>
    internal sealed record ResilienceState(CircuitBreaker Breaker, KeyCircuits Keys, WriteQueue Queue, LocalFlights Flights);

    [LoggerMessage(EventId = 40, Level = LogLevel.Warning, Message = "The cluster failed {Threshold} calls in a row: the circuit breaker is open, calls answer through the fallbacks for {Seconds} s, then one call probes.")]
    private partial void LogWarningBreakerOpened(int threshold, double seconds);

    [LoggerMessage(EventId = 41, Level = LogLevel.Information, Message = "The cluster answers again; {Queued} queued writes are applied now.")]
    private partial void LogInformationClusterBack(int queued);

    [LoggerMessage(EventId = 42, Level = LogLevel.Debug, Message = "The cluster did not take a {Kind} of {Target}: kept, and applied when it is back.")]
    private partial void LogDebugWriteQueued(Exception exception, QueuedWriteKind kind, string target);

    [LoggerMessage(EventId = 43, Level = LogLevel.Error, Message = "The write queue is full ({Capacity} removes and invalidations): {Target} cannot be kept. This client's near cache is flushed.")]
    private partial void LogErrorQueueFull(Exception exception, string target, int capacity);

    [LoggerMessage(EventId = 44, Level = LogLevel.Warning, Message = "The write queue is full ({Capacity}): the oldest queued Set (key {KeyHash}) is dropped to make room.")]
    private partial void LogWarningQueuedSetDropped(string keyHash, int capacity);

    [LoggerMessage(EventId = 45, Level = LogLevel.Warning, Message = "The cluster refused a queued {Kind} of {Target}; it is dropped.")]
    private partial void LogWarningQueuedWriteRefused(Exception exception, QueuedWriteKind kind, string target);

    [LoggerMessage(EventId = 46, Level = LogLevel.Information, Message = "Every queued write is applied.")]
    private partial void LogInformationQueueApplied();

    [LoggerMessage(EventId = 47, Level = LogLevel.Debug, Message = "The cluster could not answer for key {KeyHash}; the call answers through its fallback ({Fallback}).")]
    private partial void LogDebugFallback(Exception exception, string keyHash, string fallback);
}
