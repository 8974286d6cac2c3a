using Microsoft.Extensions.Logging;
using Orleans.Concurrency;

namespace CacheCluster.Invalidation;

/// <summary>
/// A near-cache client that stops says so here (<see cref="INearCacheClientsGrain"/>): every active silo forgets its
/// trackers at once (<see cref="ISiloInvalidationGrain.ForgetStoppingClientAsync"/>), instead of sending it notices until
/// the gateway drops it and <see cref="ClientDropWatcher"/> acts. A stateless worker, so it runs on the client's gateway
/// with no extra hop; each silo's answer is awaited for at most <see cref="SiloTimeout"/>, a silo that fails is logged.
/// </summary>
[StatelessWorker]
[Reentrant]
internal sealed partial class NearCacheClientsGrain(IClusterMembershipService membership, TimeProvider runtimeClock, ILogger<NearCacheClientsGrain> logger)
    : Grain, INearCacheClientsGrain
{
    /// <summary>How long one silo may take to answer (the client waits 3 s in all).</summary>
    internal static readonly TimeSpan SiloTimeout = TimeSpan.FromSeconds(2);

    public async Task<int> ForgetStoppingClientAsync(INearCacheObserver tracker)
    {
        ArgumentNullException.ThrowIfNull(tracker);
        if (NearCacheNotices.ClientOf(tracker.GetGrainId()) is not { } client)
        {
            throw new InvalidCacheRequestException("The tracker is not a client's near cache: nothing was forgotten.");
        }

        var silos = membership.CurrentSnapshot.Members.Values.Where(static m => m.Status == SiloStatus.Active).Select(static m => m.SiloAddress);
        var counts = await Task.WhenAll(silos.Select(async silo =>
        {
            try
            {
                return await GrainFactory.GetGrain<ISiloInvalidationGrain>(silo.ToParsableString())
                    .ForgetStoppingClientAsync(client)
                    .WaitAsync(SiloTimeout, runtimeClock);
            }
            catch (TimeoutException)
            {
                LogInformationForgetSlow(client.ToString(), silo.ToString(), SiloTimeout.TotalSeconds);
                return 0;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                LogWarningForgetFailed(ex, client.ToString(), silo.ToString());
                return 0;
            }
        }));
        return counts.Sum();
    }

    [LoggerMessage(1049, LogLevel.Warning, "Silo {Silo} could not be asked to forget the trackers of stopping client {Client}")]
    private partial void LogWarningForgetFailed(Exception exception, string client, string silo);

    [LoggerMessage(1050, LogLevel.Information, "Silo {Silo} did not confirm within {Seconds} s that it forgot the trackers of stopping client {Client}")]
    private partial void LogInformationForgetSlow(string client, string silo, double seconds);
}
