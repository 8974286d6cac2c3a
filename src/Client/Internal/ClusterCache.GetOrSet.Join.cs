namespace CacheCluster.Internal;

/// <summary>
/// GetOrSet's single flight inside this client: concurrent calls of one key (one type, one options shape) share one
/// cluster lookup and fill (<see cref="GetOrSetFlight{T}"/>), so that a stampede of N callers in one process costs one
/// grain call, not N. Each joined caller keeps its own cancellation, wait timeout and fail-safe answer, and a failure of
/// the flight's lease holder is met as the grain meets it for its parked waiters (the next one retries, or all fail).
/// </summary>
internal sealed partial class ClusterCache
{
    /// <summary>GetOrSet joined a lookup of the same key already under way in this client and got its answer.</summary>
    internal const string OutcomeJoined = "joined";

    private readonly GetOrSetFlights _getOrSetFlights = new();

    /// <summary>Gets the GetOrSet flights under way in this client (tests).</summary>
    internal GetOrSetFlights GetOrSetFlights => _getOrSetFlights;

    private async Task<T?> GetOrSetJoinedAsync<T>(string key, Func<CancellationToken, Task<T?>> factory, GetOrSetOptions options, bool nearWrite, CancellationToken cancellationToken)
    {
        if (!options.UsesLease)
        {
            // No lease, no single flight, as the options document: each such call stands alone.
            return await GetOrSetWithoutLeaseAsync(key, factory, options, nearWrite, cancellationToken).ConfigureAwait(false);
        }

        var started = _clock.GetTimestamp();
        while (true)
        {
            var flight = _getOrSetFlights.Join<T>(key, options, out var leader);
            if (flight is null)
            {
                // The key's flight is for another type or other options: this call asks the cluster itself.
                return await GetOrSetFromClusterAsync(key, factory, options, nearWrite, started, flight: null, cancellationToken).ConfigureAwait(false);
            }

            if (leader)
            {
                // The flight is this caller's lookup, with its factory; its cancellation stops only its own wait.
                _ = FlyAsync(key, flight, factory, nearWrite, started);
                try
                {
                    return await flight.Answer.WaitAsync(cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    Leave(key, flight);
                }
            }

            try
            {
                return await JoinedWaitAsync(key, flight, started, cancellationToken).ConfigureAwait(false);
            }
            catch (CacheLeaseWaitTimeoutException) when (!cancellationToken.IsCancellationRequested && flight.Answer.IsFaulted && _clock.GetElapsedTime(started) < options.WaitTimeout)
            {
                // The flight's wait ended before this caller's own: it asks again for the rest of its wait.
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && flight.Answer.IsFaulted && flight.LeaseHeld && !IsCacheFailure(ex)
                && ex is not CacheLeaseWaitTimeoutException && ex is not OperationCanceledException)
            {
                // The flight's lease holder failed: as with the grain's parked waiters, the next caller takes over with
                // its own factory, or, when the options say so, every waiter gets the holder's error.
                GetOrSetOutcome(OutcomeJoined);
                if (options.FillFailureMode == CacheFillFailureMode.WaitersFail)
                {
                    throw new CacheFactoryException($"The value source failed for the caller holding the key's lease: {ex.Message}", ex)
                    {
                        Key = CacheKey.Describe(key),
                        Operation = "GetOrSet",
                    };
                }
            }
            finally
            {
                Leave(key, flight);
            }
        }
    }

    /// <summary>Runs the flight's lookup (and fill) for its callers; it leaves the registry before it answers.</summary>
    private async Task FlyAsync<T>(string key, GetOrSetFlight<T> flight, Func<CancellationToken, Task<T?>> factory, bool nearWrite, long started)
    {
        T? value = default;
        Exception? error = null;
        try
        {
            value = await GetOrSetFromClusterAsync(key, factory, flight.Options, nearWrite, started, flight, flight.Abandoned).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            error = ex;
        }

        // Gone before it answers: a caller that retries after a failure starts a new flight, never joins this one.
        _getOrSetFlights.Remove(key, flight);
        if (error is null)
        {
            flight.Complete(value);
        }
        else
        {
            flight.Fail(error);
        }

        flight.Dispose();
    }

    /// <summary>
    /// A joined caller's wait: the flight's answer (its own copy), within this caller's wait timeout. While the flight
    /// still waits on the cluster, the wait is the one its own lookup would have had (plus ClusterTimeout); once the
    /// flight holds the lease, the timeout ends it as the grain ends a parked waiter's: fail-safe stale value or error.
    /// </summary>
    private async Task<T?> JoinedWaitAsync<T>(string key, GetOrSetFlight<T> flight, long started, CancellationToken cancellationToken)
    {
        var options = flight.Options;
        var left = options.WaitTimeout - _clock.GetElapsedTime(started);
        if (!await AnsweredWithinAsync(flight.Answer, left, cancellationToken).ConfigureAwait(false)
            && (flight.LeaseHeld || !await AnsweredWithinAsync(flight.Answer, _options.ClusterTimeout, cancellationToken).ConfigureAwait(false)))
        {
            GetOrSetOutcome(OutcomeJoined);
            if (options.FailSafe && flight.Stale is { } stale)
            {
                _metrics.AnsweredStale();
                return Read<T>(stale, options);
            }

            throw new CacheLeaseWaitTimeoutException($"Another caller's fill did not arrive within {options.WaitTimeout.TotalSeconds:0.###} s.")
            {
                Key = CacheKey.Describe(key),
                Operation = "GetOrSet",
            };
        }

        var value = await flight.Answer.ConfigureAwait(false);
        GetOrSetOutcome(OutcomeJoined);
        return flight.CopyFor(value, options.Serializer ?? Serializer);
    }

    /// <summary>Whether <paramref name="answer"/> completed within <paramref name="wait"/> on the client's clock.</summary>
    private async Task<bool> AnsweredWithinAsync<T>(Task<T> answer, TimeSpan wait, CancellationToken cancellationToken)
    {
        if (answer.IsCompleted)
        {
            return true;
        }

        try
        {
            await answer.WaitAsync(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, _clock, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException) when (!answer.IsCompleted)
        {
            return false;
        }
        catch (Exception) when (answer.IsCompleted && !cancellationToken.IsCancellationRequested)
        {
            // The flight's own failure: the caller reads it from the answer.
            return true;
        }
    }

    private void Leave<T>(string key, GetOrSetFlight<T> flight)
    {
        if (flight.Leave())
        {
            _getOrSetFlights.Remove(key, flight);
        }
    }
}
