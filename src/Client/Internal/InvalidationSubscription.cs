using Microsoft.Extensions.Logging;

namespace CacheCluster.Internal;

/// <summary>
/// A client's subscription to every stream partition through one observer reference. It renews at a third of the
/// lifetime and right after a reconnect, keeps the last sequence seen per partition, and turns gaps and lost
/// subscriptions into flushes.
/// </summary>
internal sealed partial class InvalidationSubscription : IInvalidationObserver, IAsyncDisposable
{
    private readonly IClusterClient _client;
    private readonly IInvalidationListener _listener;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly ClusterConnectionMonitor? _monitor;
    private readonly InvalidationSequence _sequence = new();
    private readonly Lock _lock = new();
    private IInvalidationObserver? _reference;
    private ITimer? _timer;
    private Task _renewal = Task.CompletedTask;
    private int _renewing;
    private bool _disposed;

    public InvalidationSubscription(IClusterClient client, IInvalidationListener listener, TimeProvider clock, ILogger logger, ClusterConnectionMonitor? monitor)
    {
        _client = client;
        _listener = listener;
        _clock = clock;
        _logger = logger;
        _monitor = monitor;
    }

    /// <summary>Gets the observer reference the partitions hold.</summary>
    public IInvalidationObserver? Reference => _reference;

    /// <summary>Gets the renewal started last by the timer or a reconnect.</summary>
    public Task LastRenewal => _renewal;

    /// <summary>Gets the renewal period: a third of the shortest lifetime the partitions gave.</summary>
    public TimeSpan RenewalPeriod { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _reference = _client.CreateObjectReference<IInvalidationObserver>(this);
        var states = await Task.WhenAll(Partitions().Select(p => p.SubscribeAsync(_reference))).WaitAsync(cancellationToken).ConfigureAwait(false);
        lock (_lock)
        {
            _sequence.Start(states);
        }

        RenewalPeriod = states.Min(s => s.Lifetime) / 3;
        _timer = _clock.CreateTimer(static self => ((InvalidationSubscription)self!).StartRenewal(), this, RenewalPeriod, RenewalPeriod);
        if (_monitor is not null)
        {
            _monitor.Recovered += OnRecovered;
        }
    }

    /// <summary>Renews every partition's subscription; a partition that lost it and moved on means a flush.</summary>
    public async Task RenewAsync()
    {
        if (_disposed || Interlocked.Exchange(ref _renewing, 1) == 1)
        {
            return;
        }

        try
        {
            var flush = false;
            foreach (var task in Partitions().Select(p => p.SubscribeAsync(_reference!)).ToArray())
            {
                try
                {
                    var state = await task.ConfigureAwait(false);
                    lock (_lock)
                    {
                        flush |= _sequence.Renewed(state);
                    }
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    // The next renewal (or reconnect) tries again; until then notices may be missed, and that is seen then.
                    LogWarningRenewalFailed(ex);
                }
            }

            if (flush)
            {
                await FlushAsync(InvalidationFlushReason.Resubscribed).ConfigureAwait(false);
            }
        }
        finally
        {
            Volatile.Write(ref _renewing, 0);
        }
    }

    async Task IInvalidationObserver.OnInvalidatedAsync(InvalidationNotice notice)
    {
        InvalidationNoticeOrder order;
        lock (_lock)
        {
            order = _sequence.Observe(notice);
        }

        if (order == InvalidationNoticeOrder.Seen)
        {
            return;
        }

        if (order == InvalidationNoticeOrder.AfterGap)
        {
            await FlushAsync(InvalidationFlushReason.Gap).ConfigureAwait(false);
        }

        try
        {
            await _listener.OnInvalidatedAsync(notice).ConfigureAwait(false);
        }
        catch
        {
            // Not applied: the next notice of this partition flushes, so nothing this one invalidated survives.
            lock (_lock)
            {
                _sequence.Missed(notice);
            }

            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_monitor is not null)
        {
            _monitor.Recovered -= OnRecovered;
        }

        if (_timer is not null)
        {
            await _timer.DisposeAsync().ConfigureAwait(false);
        }

        if (_reference is not null)
        {
            try
            {
                await Task.WhenAll(Partitions().Select(p => p.UnsubscribeAsync(_reference))).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // Unreachable partitions drop the subscription when it expires.
                LogDebugUnsubscribeFailed(ex);
            }

            _client.DeleteObjectReference<IInvalidationObserver>(_reference);
        }
    }

    private void OnRecovered() => StartRenewal();

    private void StartRenewal() => _renewal = RenewAsync();

    private async Task FlushAsync(InvalidationFlushReason reason)
    {
        LogInformationFlush(reason);
        await _listener.OnFlushAsync(reason).ConfigureAwait(false);
    }

    private IEnumerable<IInvalidationStreamGrain> Partitions() =>
        Enumerable.Range(0, IInvalidationStreamGrain.Partitions).Select(p => _client.GetGrain<IInvalidationStreamGrain>(p));

    [LoggerMessage(1, LogLevel.Warning, "Renewing the invalidation subscription failed; retrying at the next renewal")]
    private partial void LogWarningRenewalFailed(Exception exception);

    [LoggerMessage(2, LogLevel.Debug, "Unsubscribing from the invalidation stream failed; the subscription will expire")]
    private partial void LogDebugUnsubscribeFailed(Exception exception);

    [LoggerMessage(3, LogLevel.Information, "Invalidation subscriber told to flush: {Reason}")]
    private partial void LogInformationFlush(InvalidationFlushReason reason);
}
