using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CacheCluster.NearCache;

/// <summary>
/// When the Orleans client stops (gracefully, while still connected), tells the cluster that this client's near cache
/// goes away (<see cref="INearCacheClientsGrain.ForgetStoppingClientAsync"/>), so that every silo forgets its trackers
/// at once instead of sending it notices until the gateway drops it (1 min by default). Only a client whose near cache
/// was ever given to a grain says so. Bounded: the call waits at most <see cref="Timeout"/> (and no longer than the
/// host's stop allows), and a failure is logged, never thrown, so an application whose cluster is gone still stops.
/// </summary>
internal sealed partial class NearCacheDeparture(IServiceProvider services, ILogger<NearCacheDeparture>? logger = null)
    : ILifecycleParticipant<IClusterClientLifecycle>
{
    /// <summary>How long the stop waits for the cluster to forget this client.</summary>
    internal static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    private readonly ILogger _logger = logger ?? NullLogger<NearCacheDeparture>.Instance;
    private INearCacheObserver? _tracker;

    /// <summary>Remembers <paramref name="tracker"/>, a near cache of this client handed to grains.</summary>
    public void Tracking(INearCacheObserver tracker) => Interlocked.CompareExchange(ref _tracker, tracker, null);

    void ILifecycleParticipant<IClusterClientLifecycle>.Participate(IClusterClientLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(NearCacheDeparture), ServiceLifecycleStage.Active, _ => Task.CompletedTask, DepartAsync);

    /// <summary>Asks the cluster to forget this client's trackers; returns how many silos took note (0 on failure).</summary>
    internal async Task<int> DepartAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _tracker) is not { } tracker)
        {
            return 0;
        }

        var clock = services.GetService<TimeProvider>() ?? TimeProvider.System;
        try
        {
            var forgotten = await services.GetRequiredService<IGrainFactory>()
                .GetGrain<INearCacheClientsGrain>(0)
                .ForgetStoppingClientAsync(tracker)
                .WaitAsync(Timeout, clock, cancellationToken)
                .ConfigureAwait(false);
            LogDebugDeparted(forgotten);
            return forgotten;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogWarningDepartureFailed(ex);
            return 0;
        }
    }

    [LoggerMessage(50, LogLevel.Debug, "{Silos} silos forgot this client's near-cache trackers")]
    private partial void LogDebugDeparted(int silos);

    [LoggerMessage(51, LogLevel.Warning, "The cluster could not be told that this client's near cache stops; the silos forget it when the gateway drops the client")]
    private partial void LogWarningDepartureFailed(Exception exception);
}
