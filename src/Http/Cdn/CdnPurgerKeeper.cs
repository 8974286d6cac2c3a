using CacheCluster.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CacheCluster.Http.Cdn;

/// <summary>
/// Keeps the cluster's one CDN purger alive on every silo: when the silo becomes active and then every
/// <see cref="InvalidationOptions.ResumeInterval"/>, it calls the purger, which activates (and subscribes to every
/// stream partition) wherever it is placed. After the purger's silo is lost, the next call brings it back elsewhere;
/// while it lives, it renews its subscription itself. Does nothing when no CDN is configured.
/// </summary>
internal sealed partial class CdnPurgerKeeper(
    IGrainFactory grains,
    TimeProvider timeProvider,
    IOptions<CdnOptions> cdn,
    IOptions<InvalidationOptions> invalidation,
    ILogger<CdnPurgerKeeper> logger) : ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private Task _loop = Task.CompletedTask;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(CdnPurgerKeeper), ServiceLifecycleStage.Active, OnStartAsync, OnStopAsync);

    public void Dispose() => _stopping.Dispose();

    private Task OnStartAsync(CancellationToken cancellationToken)
    {
        if (cdn.Value.Enabled)
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
        using var timer = new PeriodicTimer(invalidation.Value.ResumeInterval, timeProvider);
        try
        {
            do
            {
                await WakePurgerAsync().ConfigureAwait(false);
            }
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task WakePurgerAsync()
    {
        try
        {
            await grains.GetGrain<ICdnPurgerGrain>(0).EnsureSubscribedAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The purger could not activate (the cluster is changing): the next round retries.
            LogDebugPurgerWakeFailed(ex);
        }
    }

    [LoggerMessage(1521, LogLevel.Debug, "The CDN purger could not be woken")]
    private partial void LogDebugPurgerWakeFailed(Exception exception);
}
