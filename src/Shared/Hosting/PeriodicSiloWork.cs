namespace CacheCluster.Hosting;

/// <summary>
/// Work a silo does once it is active and then every <see cref="Interval"/>, until it stops: the invalidation stream's
/// keeper and the CDN purger's keeper. A round that fails is the next round's to retry; stopping waits for the round
/// in progress.
/// </summary>
/// <remarks>Shared source: compiled into each project with such work (Grains, Http), so none needs another's internals.</remarks>
internal abstract class PeriodicSiloWork(TimeProvider timeProvider) : ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private Task _loop = Task.CompletedTask;

    /// <summary>Gets the time between the end of one round and the start of the next.</summary>
    protected abstract TimeSpan Interval { get; }

    /// <summary>Gets whether this silo does the work at all.</summary>
    protected virtual bool Enabled => true;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(GetType().Name, ServiceLifecycleStage.Active, OnStartAsync, OnStopAsync);

    public void Dispose() => _stopping.Dispose();

    /// <summary>Does one round; it handles its own failures.</summary>
    protected abstract Task RunOnceAsync();

    private Task OnStartAsync(CancellationToken cancellationToken)
    {
        if (Enabled)
        {
            _loop = Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None);
        }

        return Task.CompletedTask;
    }

    private async Task OnStopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _loop.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(Interval, timeProvider);
        try
        {
            do
            {
                await RunOnceAsync().ConfigureAwait(false);
            }
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }
}
