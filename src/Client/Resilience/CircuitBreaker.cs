namespace CacheCluster.Resilience;

/// <summary>
/// The client's circuit breaker over the cluster. Closed: every call goes through and consecutive failures are
/// counted. Open (after <see cref="CacheClusterResilienceOptions.BreakerThreshold"/> in a row): no call goes out for
/// <see cref="CacheClusterResilienceOptions.BreakerDuration"/>; callers answer through the fallbacks at once. Then
/// half-open: one call probes while the others still fall back; its success closes the breaker, its failure opens it
/// again. A call that ends neither way (cancelled) hands the probe to the next caller.
/// </summary>
/// <remarks>
/// A streak opens the breaker only once it has lasted <see cref="MinimumStreak"/> (unless the threshold is 1): calls
/// sent together that time out together (those in flight to a silo that just died) are one event, not a cluster that
/// keeps failing.
/// </remarks>
internal sealed class CircuitBreaker(int threshold, TimeSpan duration, TimeProvider clock)
{
    private readonly Lock _lock = new();
    private CircuitBreakerState _state;
    private int _failures;
    private long _streakStarted;
    private long _openUntil;

    /// <summary>How long a streak of failures must last before it opens the breaker.</summary>
    public static TimeSpan MinimumStreak { get; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Raised (outside the lock) when the breaker opens.</summary>
    public event Action? Opened;

    /// <summary>Raised (outside the lock) when a probe succeeded and the breaker closed again.</summary>
    public event Action? Closed;

    public CircuitBreakerState State => _state;

    /// <summary>Tells whether a call may go out now; <paramref name="probe"/> says it is the half-open breaker's probe.</summary>
    public bool TryEnter(out bool probe)
    {
        probe = false;
        if (_state == CircuitBreakerState.Closed)
        {
            return true;
        }

        lock (_lock)
        {
            switch (_state)
            {
                case CircuitBreakerState.Closed:
                    return true;
                case CircuitBreakerState.Open when clock.GetTimestamp() >= _openUntil:
                    _state = CircuitBreakerState.HalfOpen;
                    probe = true;
                    return true;
                default:
                    return false;
            }
        }
    }

    /// <summary>The cluster answered (whatever the answer): the count starts over, and a probe closes the breaker.</summary>
    public void OnSuccess()
    {
        if (_state == CircuitBreakerState.Closed)
        {
            if (_failures != 0)
            {
                Volatile.Write(ref _failures, 0);
            }

            return;
        }

        bool closed;
        lock (_lock)
        {
            closed = _state != CircuitBreakerState.Closed;
            _state = CircuitBreakerState.Closed;
            _failures = 0;
        }

        if (closed)
        {
            Closed?.Invoke();
        }
    }

    /// <summary>The cluster could not be reached or did not answer in time.</summary>
    public void OnFailure()
    {
        bool opened = false;
        lock (_lock)
        {
            if (_failures++ == 0)
            {
                _streakStarted = clock.GetTimestamp();
            }

            if (_state == CircuitBreakerState.HalfOpen
                || (_state == CircuitBreakerState.Closed && _failures >= threshold && (threshold == 1 || clock.GetElapsedTime(_streakStarted) >= MinimumStreak)))
            {
                opened = _state == CircuitBreakerState.Closed;
                _state = CircuitBreakerState.Open;
                _openUntil = clock.GetTimestamp() + (long)(duration.TotalSeconds * clock.TimestampFrequency);
            }
        }

        if (opened)
        {
            Opened?.Invoke();
        }
    }

    /// <summary>The probe ended without an answer either way: the next caller probes.</summary>
    public void OnAbandoned(bool probe)
    {
        if (!probe)
        {
            return;
        }

        lock (_lock)
        {
            if (_state == CircuitBreakerState.HalfOpen)
            {
                _state = CircuitBreakerState.Open;
                _openUntil = clock.GetTimestamp();
            }
        }
    }

    /// <summary>The connection to the cluster is back: the next call probes at once instead of waiting out the break.</summary>
    public void OnReconnected()
    {
        lock (_lock)
        {
            if (_state == CircuitBreakerState.Open)
            {
                _openUntil = clock.GetTimestamp();
            }
        }
    }
}
