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
    ILogger<CdnPurgerKeeper> logger) : PeriodicSiloWork(timeProvider)
{
    protected override TimeSpan Interval => invalidation.Value.ResumeInterval;

    protected override bool Enabled => cdn.Value.Enabled;

    protected override async Task RunOnceAsync()
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
