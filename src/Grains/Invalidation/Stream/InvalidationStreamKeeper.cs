using CacheCluster.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CacheCluster.Invalidation.Stream;

/// <summary>
/// When the silo becomes active and then every <see cref="InvalidationOptions.ResumeInterval"/>, wakes each stream
/// partition that has pending events in the log: a partition whose silo crashed in the middle of a fan-out is
/// activated elsewhere and finishes its events without waiting for the next publish. Partitions with nothing pending
/// are left alone, so idle ones are collected and re-placed across the silos present when next used.
/// </summary>
internal sealed partial class InvalidationStreamKeeper(
    IGrainFactory grains,
    IInvalidationLog log,
    TimeProvider timeProvider,
    IOptions<InvalidationOptions> options,
    ILogger<InvalidationStreamKeeper> logger) : PeriodicSiloWork(timeProvider)
{
    protected override TimeSpan Interval => options.Value.ResumeInterval;

    protected override Task RunOnceAsync() =>
        Task.WhenAll(Enumerable.Range(0, IInvalidationStreamGrain.Partitions).Select(PingAsync));

    private async Task PingAsync(int partition)
    {
        try
        {
            if (await log.HasPendingAsync(partition).ConfigureAwait(false))
            {
                await grains.GetGrain<IInvalidationStreamGrain>(partition).PingAsync().ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The partition could not activate (its store is down, the cluster is changing): the next round retries.
            LogDebugPingFailed(ex, partition);
        }
    }

    [LoggerMessage(1311, LogLevel.Debug, "Invalidation stream partition {Partition} could not be checked or woken")]
    private partial void LogDebugPingFailed(Exception exception, int partition);
}
